import { createMatrix, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { get, randomMatrix } from './_naive.js';
import { pairwiseSquaredEuclidean, pairwiseSquaredEuclideanRows } from './pairwise.js';
import { createSharedMatrix, rowBlocks } from './shared.js';

function naiveDistance(
  a: ReturnType<typeof randomMatrix>,
  i: number,
  b: ReturnType<typeof randomMatrix>,
  j: number,
): number {
  let s = 0;
  for (let k = 0; k < a.cols; k++) s += (get(a, i, k) - get(b, j, k)) ** 2;
  return s;
}

describe('pairwiseSquaredEuclidean', () => {
  it('matches Σ(aᵢ − bⱼ)² on random shapes and is never negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer(),
        (m, n, d, seed) => {
          const a = randomMatrix(m, d, seed);
          const b = randomMatrix(n, d, seed + 1);
          const dist = pairwiseSquaredEuclidean(a, b);
          expect(dist).toMatchObject({ rows: m, cols: n });
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              expect(get(dist, i, j)).toBeGreaterThanOrEqual(0);
              expect(Math.abs(get(dist, i, j) - naiveDistance(a, i, b, j))).toBeLessThan(
                1e-12 * Math.max(1, d),
              );
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('has an exact zero diagonal and symmetry for self-distances, clamped duplicates', () => {
    const a = randomMatrix(30, 5, 3);
    a.data.copyWithin(5, 0, 5); // rows 0 and 1 identical
    const dist = pairwiseSquaredEuclidean(a);
    for (let i = 0; i < 30; i++) expect(get(dist, i, i)).toBe(0);
    expect(get(dist, 0, 1)).toBeGreaterThanOrEqual(0);
    expect(get(dist, 0, 1)).toBeLessThan(1e-14);
  });

  it('row blocks on shared memory assemble the full result', () => {
    const a = randomMatrix(23, 4, 8);
    const b = randomMatrix(17, 4, 9);
    const out = createSharedMatrix(23, 17);
    for (const [s, e] of rowBlocks(23, 3)) pairwiseSquaredEuclideanRows(a, b, out, s, e);
    expect(Array.from(out.data)).toEqual(Array.from(pairwiseSquaredEuclidean(a, b).data));
  });

  it('rejects different dimensions naming both shapes', () => {
    expect(() => pairwiseSquaredEuclidean(createMatrix(2, 3), createMatrix(2, 4))).toThrow(ShapeError);
    expect(() => pairwiseSquaredEuclidean(createMatrix(2, 3), createMatrix(2, 4))).toThrow(
      /a is 2x3 and b is 2x4/,
    );
  });
});
