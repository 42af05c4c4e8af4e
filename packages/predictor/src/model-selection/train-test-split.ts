import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { createRandom, shuffleInPlace } from '../_random.js';
import { checkMatrix, checkTarget, seedOption, takeRows, takeValues } from '../_validate.js';

export interface TrainTestSplitOptions {
  /** Share of rows in the test part, in (0, 1). Default 0.25. */
  testSize?: number;
  /** Keep each class's share in both parts (classification labels). Default false. */
  stratify?: boolean;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
}

export interface TrainTestSplit {
  XTrain: DenseMatrix;
  XTest: DenseMatrix;
  yTrain: Float64Array;
  yTest: Float64Array;
}

/** Shuffles the rows and splits them into a training and a test part. */
export function trainTestSplit(
  X: DenseMatrix,
  y: ArrayLike<number>,
  options: TrainTestSplitOptions = {},
): TrainTestSplit {
  const matrix = checkMatrix(X, 'X', true);
  const target = checkTarget(y, matrix.rows, 'y');
  const { testSize = 0.25, stratify = false, seed = 0 } = options;
  if (typeof testSize !== 'number' || !(testSize > 0 && testSize < 1)) {
    throw new InvalidInputError(`options.testSize must be a number in (0, 1), got ${String(testSize)}`, {
      details: { argument: 'options.testSize', value: testSize },
    });
  }
  seedOption(seed, 'options.seed');
  const n = matrix.rows;
  const testCount = Math.ceil(n * testSize);
  if (testCount >= n) {
    throw new InvalidInputError(`options.testSize ${testSize} leaves no training rows out of ${n}`, {
      details: { argument: 'options.testSize', rows: n },
    });
  }
  const random = createRandom(seed);
  const isTest = new Uint8Array(n);
  if (stratify) {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const members = byClass.get(target[i] as number);
      if (members === undefined) byClass.set(target[i] as number, [i]);
      else members.push(i);
    }
    for (const label of Array.from(byClass.keys()).sort((a, b) => a - b)) {
      const members = shuffleInPlace(Uint32Array.from(byClass.get(label) as number[]), random);
      const take = Math.round(members.length * testSize);
      for (let s = 0; s < take; s++) isTest[members[s] as number] = 1;
    }
  } else {
    const order = shuffleInPlace(
      Uint32Array.from({ length: n }, (_, i) => i),
      random,
    );
    for (let s = 0; s < testCount; s++) isTest[order[s] as number] = 1;
  }
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < n; i++) (isTest[i] === 1 ? test : train).push(i);
  return {
    XTrain: takeRows(matrix, train),
    XTest: takeRows(matrix, test),
    yTrain: takeValues(target, train),
    yTest: takeValues(target, test),
  };
}
