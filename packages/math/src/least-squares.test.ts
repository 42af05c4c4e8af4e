import { createMatrix, fromArray, InvalidInputError, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { get, maxAbsDiff, naiveMatmul, naiveTranspose, randomMatrix } from './_naive.js';
import { leastSquares } from './least-squares.js';

/** ‖Aᵀ(A·x − b)‖max: zero at any least-squares solution (the normal equations). */
function normalResidual(
  a: ReturnType<typeof randomMatrix>,
  x: ReturnType<typeof randomMatrix>,
  b: ReturnType<typeof randomMatrix>,
) {
  const r = naiveMatmul(a, x);
  for (let k = 0; k < r.data.length; k++) r.data[k] = (r.data[k] as number) - (b.data[k] as number);
  const g = naiveMatmul(naiveTranspose(a), r);
  return maxAbsDiff(g, createMatrix(g.rows, g.cols));
}

describe('leastSquares', () => {
  it('satisfies the normal equations on random full-rank tall problems, and matches the exact solution', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer(),
        (n, extra, k, seed) => {
          const a = randomMatrix(n + extra, n, seed);
          const xTrue = randomMatrix(n, k, seed + 1);
          const b = naiveMatmul(a, xTrue);
          const { x, rank } = leastSquares(a, b);
          expect(rank).toBe(n);
          expect(maxAbsDiff(x, xTrue)).toBeLessThan(1e-8);
          const noisy = randomMatrix(n + extra, k, seed + 2);
          expect(normalResidual(a, leastSquares(a, noisy).x, noisy)).toBeLessThan(1e-10);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('returns the minimum-norm solution for a rank-deficient matrix (duplicate column)', () => {
    const base = randomMatrix(8, 2, 42);
    const a = createMatrix(8, 3);
    for (let i = 0; i < 8; i++) {
      a.data[i * 3] = get(base, i, 0);
      a.data[i * 3 + 1] = get(base, i, 1);
      a.data[i * 3 + 2] = get(base, i, 0);
    }
    const b = randomMatrix(8, 1, 7);
    const { x, rank } = leastSquares(a, b.data);
    expect(rank).toBe(2);
    // Minimum norm splits the weight of the duplicated column evenly.
    expect(x[0]).toBeCloseTo(x[2] as number, 10);
    expect(normalResidual(a, createMatrix(3, 1, x), b)).toBeLessThan(1e-10);
    // The same fit as the reduced full-rank problem.
    const reduced = leastSquares(base, b.data).x;
    expect((x[0] as number) + (x[2] as number)).toBeCloseTo(reduced[0] as number, 10);
  });

  it('gives the minimum-norm solution of an underdetermined system', () => {
    const a = fromArray([[1, 1]]);
    const { x, rank } = leastSquares(a, Float64Array.from([2]));
    expect(rank).toBe(1);
    expect(x[0]).toBeCloseTo(1, 14);
    expect(x[1]).toBeCloseTo(1, 14);
  });

  it('handles empty and all-zero matrices with rank 0', () => {
    expect(leastSquares(createMatrix(0, 2), new Float64Array(0))).toEqual({
      x: new Float64Array(2),
      rank: 0,
    });
    expect(leastSquares(createMatrix(3, 2), Float64Array.from([1, 2, 3])).rank).toBe(0);
  });

  it('rejects mismatched b, non-finite input and a bad rcond', () => {
    expect(() => leastSquares(createMatrix(3, 2), new Float64Array(2))).toThrow(ShapeError);
    expect(() => leastSquares(createMatrix(3, 2), new Float64Array(2))).toThrow(/b must have 3 rows/);
    expect(() => leastSquares(fromArray([[Number.NaN]]), new Float64Array(1))).toThrow(/a\[0\]\[0\] is NaN/);
    expect(() => leastSquares(createMatrix(1, 1), new Float64Array(1), { rcond: 2 })).toThrow(
      InvalidInputError,
    );
  });
});
