import { InvalidInputError } from '@toolbox/contracts';
import { positiveInteger, seedOption } from '../_validate.js';
import { numpyShuffler } from './_mt19937.js';

/** One split of the rows into a training and a test part (row indices, ascending). */
export interface Fold {
  train: Uint32Array;
  test: Uint32Array;
}

export interface KFoldOptions {
  /** Number of folds, at least 2. Default 5. */
  nSplits?: number;
  /** Shuffle rows before splitting. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffle (scikit-learn's `random_state`). Default 0. */
  seed?: number;
}

export function resolveFoldOptions(options: KFoldOptions, owner: string): Required<KFoldOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidInputError(`${owner} options must be an object`, { details: { argument: 'options' } });
  }
  const resolved = { nSplits: 5, shuffle: true, seed: 0, ...options };
  positiveInteger(resolved.nSplits, 'options.nSplits');
  if (resolved.nSplits < 2) {
    throw new InvalidInputError(`options.nSplits must be at least 2, got ${resolved.nSplits}`, {
      details: { argument: 'options.nSplits', value: resolved.nSplits },
    });
  }
  seedOption(resolved.seed, 'options.seed');
  return resolved;
}

export function checkSampleCount(n: number, nSplits: number): void {
  if (!Number.isSafeInteger(n) || n < nSplits) {
    throw new InvalidInputError(`cannot split ${n} samples into ${nSplits} folds`, {
      details: { argument: 'n', value: n, nSplits },
    });
  }
}

/** Builds folds from each row's fold number. */
export function foldsFromAssignment(assignment: Int32Array, nSplits: number): Fold[] {
  const folds: Fold[] = [];
  for (let f = 0; f < nSplits; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < assignment.length; i++) (assignment[i] === f ? test : train).push(i);
    folds.push({ train: Uint32Array.from(train), test: Uint32Array.from(test) });
  }
  return folds;
}

/**
 * K consecutive (optionally shuffled) folds; the first `n % k` folds get one extra
 * row. Same folds as scikit-learn's `KFold(k, shuffle=True, random_state=seed)`.
 */
export class KFold {
  readonly params: Readonly<Required<KFoldOptions>>;

  constructor(options: KFoldOptions = {}) {
    this.params = Object.freeze(resolveFoldOptions(options, 'KFold'));
  }

  split(n: number): Fold[] {
    const { nSplits, shuffle, seed } = this.params;
    checkSampleCount(n, nSplits);
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    if (shuffle) numpyShuffler(seed)(order);
    const assignment = new Int32Array(n);
    let position = 0;
    for (let f = 0; f < nSplits; f++) {
      const size = Math.floor(n / nSplits) + (f < n % nSplits ? 1 : 0);
      for (let s = 0; s < size; s++) assignment[order[position++] as number] = f;
    }
    return foldsFromAssignment(assignment, nSplits);
  }
}
