import { defineSuite } from '@toolbox/config/bench';
import { createMatrix, type DenseMatrix } from '@toolbox/contracts';
import {
  type NeighbourIndex,
  nearestNeighbours,
  pairwiseSquaredEuclidean,
  prepareNeighbours,
} from '../src/index.js';
import { random } from './_random.js';

/** The obvious float64 brute force: all distances in one product, then the k smallest per row. */
function bruteForce(train: DenseMatrix, query: DenseMatrix, k: number, distances: DenseMatrix): Int32Array {
  pairwiseSquaredEuclidean(query, train, distances);
  const out = new Int32Array(query.rows * k);
  const best = new Float64Array(k);
  for (let q = 0; q < query.rows; q++) {
    best.fill(Number.POSITIVE_INFINITY);
    const row = q * train.rows;
    for (let t = 0; t < train.rows; t++) {
      const d = distances.data[row + t] as number;
      if (d >= (best[k - 1] as number)) continue;
      let slot = k - 1;
      while (slot > 0 && (best[slot - 1] as number) > d) {
        best[slot] = best[slot - 1] as number;
        out[q * k + slot] = out[q * k + slot - 1] as number;
        slot--;
      }
      best[slot] = d;
      out[q * k + slot] = t;
    }
  }
  return out;
}

/**
 * k = 5 nearest training rows of each query row: math's `nearestNeighbours` (float32
 * SIMD screen, exact float64 re-ranking) on a prepared index, against the float64
 * brute force through `pairwiseSquaredEuclidean`. Digits' shape (1 437 x 64, 360
 * queries: one fold of a 5-fold CV) and a tall 20 000 x 20 set.
 */
export default defineSuite({
  name: 'math',
  cases: ({ quick }) =>
    (quick
      ? [[1437, 64, 360]]
      : [
          [1437, 64, 360],
          [20000, 20, 400],
        ]
    ).map(([n, d, queries]) => {
      const [rows, cols, m] = [n as number, d as number, queries as number];
      let train = createMatrix(0, cols);
      let query = createMatrix(0, cols);
      let index: NeighbourIndex = prepareNeighbours(train);
      const distances = createMatrix(m, rows);
      return {
        name: `nearest 5 of ${rows}x${cols} for ${m} queries`,
        setup: () => {
          train = random(rows, cols);
          query = random(m, cols);
          index = prepareNeighbours(train);
        },
        baseline: {
          name: 'pairwiseSquaredEuclidean + top-5 per row',
          fn: () => bruteForce(train, query, 5, distances),
        },
        candidate: {
          name: 'nearestNeighbours on prepareNeighbours(train)',
          fn: () => nearestNeighbours(index, query, { k: 5 }),
        },
        work: { amount: 2 * rows * cols * m, unit: 'FLOP' },
      };
    }),
});
