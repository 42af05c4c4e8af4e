import { InvalidInputError } from '@toolbox/contracts';
import { assertVector } from './_check.js';

export interface ArgsortOptions {
  /** Largest first. Default false (ascending). */
  descending?: boolean;
}

/**
 * Indices that sort `values`: `values[result[0]]` is the smallest (or largest with
 * `descending`). Stable (ties keep index order); NaN sorts last either way.
 */
export function argsort(values: Float64Array, options: ArgsortOptions = {}): Uint32Array {
  assertVector(values, 'values');
  const descending = options.descending ?? false;
  if (typeof descending !== 'boolean') {
    throw new InvalidInputError(`options.descending must be a boolean, got ${String(descending)}`, {
      details: { argument: 'options.descending' },
    });
  }
  const sign = descending ? -1 : 1;
  const indices = new Uint32Array(values.length);
  for (let i = 0; i < indices.length; i++) indices[i] = i;
  return indices.sort((i, j) => {
    const a = values[i] as number;
    const b = values[j] as number;
    if (a === b) return i - j;
    if (Number.isNaN(a)) return Number.isNaN(b) ? i - j : 1;
    if (Number.isNaN(b)) return -1;
    return a < b ? -sign : sign;
  });
}
