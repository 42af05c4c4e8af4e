import { createMatrix, fromArray, InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, naiveSingularValues, orthogonalityError, randomMatrix, recompose } from './_naive.js';
import { svd, svdWithKernel } from './svd.js';

const size = fc.oneof(fc.constantFrom(0, 1, 2, 3, 5, 33), fc.integer({ min: 0, max: 24 }));

describe('svd', () => {
  it('U·diag(S)·Vᵀ ≈ A, orthonormal U and V, S descending and equal to the naive Jacobi values (1e-12)', () => {
    fc.assert(
      fc.property(size, size, fc.integer(), (m, n, seed) => {
        const a = randomMatrix(m, n, seed);
        const { u, s, v } = svd(a);
        const p = Math.min(m, n);
        expect(u).toMatchObject({ rows: m, cols: p });
        expect(v).toMatchObject({ rows: n, cols: p });
        expect(s.length).toBe(p);
        const tolerance = 1e-12 * Math.max(1, m, n);
        expect(maxAbsDiff(recompose(u, s, v), a)).toBeLessThan(tolerance);
        expect(orthogonalityError(u)).toBeLessThan(tolerance);
        expect(orthogonalityError(v)).toBeLessThan(tolerance);
        const reference = naiveSingularValues(a);
        for (let i = 0; i < p; i++) {
          expect(s[i]).toBeGreaterThanOrEqual(0);
          if (i > 0) expect(s[i]).toBeLessThanOrEqual(s[i - 1] as number);
          expect(Math.abs((s[i] as number) - (reference[i] as number))).toBeLessThan(tolerance);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('returns square U and V with thin: false', () => {
    for (const [m, n] of [
      [7, 3],
      [3, 7],
    ] as const) {
      const a = randomMatrix(m, n, m * 10 + n);
      const { u, s, v } = svd(a, { thin: false });
      expect(u).toMatchObject({ rows: m, cols: m });
      expect(v).toMatchObject({ rows: n, cols: n });
      expect(orthogonalityError(u)).toBeLessThan(1e-13);
      expect(orthogonalityError(v)).toBeLessThan(1e-13);
      const p = Math.min(m, n);
      const thinU = createMatrix(m, p);
      const thinV = createMatrix(n, p);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < p; j++) thinU.data[i * p + j] = u.data[i * m + j] as number;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < p; j++) thinV.data[i * p + j] = v.data[i * n + j] as number;
      expect(maxAbsDiff(recompose(thinU, s, thinV), a)).toBeLessThan(1e-13);
    }
  });

  it('finds exact zeros for rank-deficient input and survives extreme scales', () => {
    const a = fromArray([
      [1, 2, 3],
      [2, 4, 6],
      [3, 6, 9],
      [1, 1, 1],
    ]);
    const { s } = svd(a);
    expect(s[2]).toBeLessThan(1e-14 * (s[0] as number));
    const tiny = randomMatrix(6, 4, 3);
    const huge = createMatrix(
      6,
      4,
      tiny.data.map((x) => x * 1e300),
    );
    const small = createMatrix(
      6,
      4,
      tiny.data.map((x) => x * 1e-300),
    );
    const reference = svd(tiny).s;
    svd(huge).s.forEach((value, i) => {
      expect(value / 1e300).toBeCloseTo(reference[i] as number, 12);
    });
    svd(small).s.forEach((value, i) => {
      expect(value / 1e-300).toBeCloseTo(reference[i] as number, 12);
    });
    expect(Array.from(svd(createMatrix(3, 2)).s)).toEqual([0, 0]);
  });

  it('handles repeated singular values (identity, diagonal with ties)', () => {
    const eye = fromArray([
      [2, 0, 0],
      [0, -2, 0],
      [0, 0, 1],
    ]);
    const { u, s, v } = svd(eye);
    expect(Array.from(s)).toEqual([2, 2, 1]);
    expect(maxAbsDiff(recompose(u, s, v), eye)).toBeLessThan(1e-15);
  });

  it('gives the same factorization with the plain JS kernels (the fallback without SIMD)', () => {
    for (const [m, n] of [
      [9, 5],
      [4, 11],
    ] as const) {
      const a = randomMatrix(m, n, m + n);
      const js = svdWithKernel(a, true, 'js');
      const simd = svdWithKernel(a, true, 'wasm');
      expect(maxAbsDiff(recompose(js.u, js.s, js.v), a)).toBeLessThan(1e-13);
      expect(orthogonalityError(js.u)).toBeLessThan(1e-13);
      js.s.forEach((value, i) => {
        expect(value).toBeCloseTo(simd.s[i] as number, 13);
      });
    }
  });

  it('rejects non-finite input naming a', () => {
    expect(() => svd(fromArray([[1, Number.POSITIVE_INFINITY]]))).toThrow(InvalidInputError);
    expect(() => svd(fromArray([[1, Number.POSITIVE_INFINITY]]))).toThrow(/a\[0\]\[1\] is Infinity/);
  });
});
