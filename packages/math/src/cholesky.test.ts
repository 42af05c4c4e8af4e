import { createMatrix, fromArray, InvalidInputError, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { get, maxAbsDiff, naiveMatmul, naiveTranspose, randomMatrix } from './_naive.js';
import { cholesky, choleskySolve, solveSPD } from './cholesky.js';

/** XᵀX + n·I: symmetric positive definite and well conditioned. */
function spd(n: number, seed: number) {
  const x = randomMatrix(n + 3, n, seed);
  const a = naiveMatmul(naiveTranspose(x), x);
  for (let i = 0; i < n; i++) a.data[i * n + i] = (a.data[i * n + i] as number) + n;
  return a;
}

const size = fc.oneof(fc.constantFrom(0, 1, 2, 3, 65), fc.integer({ min: 0, max: 30 }));

describe('cholesky', () => {
  it('L is lower triangular with a positive diagonal and L·Lᵀ ≈ A (1e-12 relative)', () => {
    fc.assert(
      fc.property(size, fc.integer(), (n, seed) => {
        const a = spd(n, seed);
        const l = cholesky(a);
        for (let i = 0; i < n; i++) {
          expect(get(l, i, i)).toBeGreaterThan(0);
          for (let j = i + 1; j < n; j++) expect(get(l, i, j)).toBe(0);
        }
        expect(maxAbsDiff(naiveMatmul(l, naiveTranspose(l)), a)).toBeLessThan(1e-12 * Math.max(1, n * n));
      }),
      { numRuns: 40 },
    );
  });

  it('factors across several 64-column blocks and finds a failing pivot in a late block', () => {
    const a = spd(150, 77);
    const l = cholesky(a);
    expect(maxAbsDiff(naiveMatmul(l, naiveTranspose(l)), a)).toBeLessThan(1e-10);
    a.data[120 * 150 + 120] = -1;
    expect(() => cholesky(a)).toThrow(/pivot 120/);
  });

  it('throws InvalidInputError naming a for non-SPD, non-symmetric or non-finite input', () => {
    const indefinite = fromArray([
      [1, 2],
      [2, 1],
    ]);
    expect(() => cholesky(indefinite)).toThrow(InvalidInputError);
    expect(() => cholesky(indefinite)).toThrow(/a is not positive definite: pivot 1/);
    expect(() => cholesky(fromArray([[0]]))).toThrow(/pivot 0/);
    expect(() =>
      cholesky(
        fromArray([
          [2, 1],
          [0, 2],
        ]),
      ),
    ).toThrow(/a must be symmetric/);
    expect(() => cholesky(fromArray([[Number.NaN]]))).toThrow(/a\[0\]\[0\] is NaN/);
    expect(() => cholesky(createMatrix(2, 3))).toThrow(ShapeError);
  });
});

describe('solveSPD / choleskySolve', () => {
  it('solves A·x = b for vectors and matrices (residual 1e-10)', () => {
    fc.assert(
      fc.property(size, fc.integer({ min: 1, max: 4 }), fc.integer(), (n, k, seed) => {
        const a = spd(n, seed);
        const b = randomMatrix(n, k, seed + 5);
        const x = solveSPD(a, b);
        expect(maxAbsDiff(naiveMatmul(a, x), b)).toBeLessThan(1e-10);
        const bv = createMatrix(
          n,
          1,
          Float64Array.from({ length: n }, (_, i) => b.data[i * k] as number),
        );
        const v = solveSPD(a, bv.data);
        expect(v).toBeInstanceOf(Float64Array);
        expect(maxAbsDiff(naiveMatmul(a, createMatrix(n, 1, v)), bv)).toBeLessThan(1e-10);
      }),
      { numRuns: 40 },
    );
  });

  it('reuses one factor for several right-hand sides', () => {
    const a = spd(6, 1);
    const l = cholesky(a);
    const b = Float64Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(choleskySolve(l, b))).toEqual(Array.from(solveSPD(a, b)));
  });

  it('rejects a right-hand side of the wrong length and non-finite b', () => {
    expect(() => solveSPD(spd(3, 2), new Float64Array(4))).toThrow(/b must have 3 rows/);
    expect(() => solveSPD(spd(2, 2), Float64Array.from([1, Number.POSITIVE_INFINITY]))).toThrow(
      /b\[1\] is Infinity/,
    );
  });
});
