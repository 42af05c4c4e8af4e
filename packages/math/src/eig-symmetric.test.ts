import { createMatrix, fromArray, InvalidInputError, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  maxAbsDiff,
  naiveMatmul,
  naiveSingularValues,
  naiveTranspose,
  orthogonalityError,
  randomMatrix,
} from './_naive.js';
import { eigSymmetric, eigSymmetricWithKernel } from './eig-symmetric.js';

function symmetric(n: number, seed: number) {
  const x = randomMatrix(n, n, seed);
  return createMatrix(
    n,
    n,
    naiveMatmul(x, naiveTranspose(x)).data.map((v, k) => v - (k % (n + 1) === 0 ? 1 : 0)),
  );
}

describe('eigSymmetric', () => {
  it('A·V ≈ V·Λ, VᵀV ≈ I, values descending (1e-12) on random symmetric matrices', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 20 })),
        fc.integer(),
        (n, seed) => {
          const a = symmetric(n, seed);
          const { values, vectors } = eigSymmetric(a);
          const av = naiveMatmul(a, vectors);
          const vl = createMatrix(
            n,
            n,
            vectors.data.map((x, k) => x * (values[k % n] as number)),
          );
          expect(maxAbsDiff(av, vl)).toBeLessThan(1e-12 * Math.max(1, n * n));
          expect(orthogonalityError(vectors)).toBeLessThan(1e-12 * Math.max(1, n));
          for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1] as number);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('equals the naive singular values on positive semidefinite input', () => {
    const x = randomMatrix(9, 6, 4);
    const g = naiveMatmul(naiveTranspose(x), x);
    const { values } = eigSymmetric(g);
    const reference = naiveSingularValues(g);
    values.forEach((v, i) => {
      expect(v).toBeCloseTo(reference[i] as number, 11);
    });
  });

  it('gives the same result with the plain JS kernels, and on a larger matrix', () => {
    const a = symmetric(70, 5);
    const simd = eigSymmetric(a);
    const js = eigSymmetricWithKernel(a, 'js');
    js.values.forEach((value, i) => {
      expect(value).toBeCloseTo(simd.values[i] as number, 10);
    });
    const av = naiveMatmul(a, js.vectors);
    const vl = createMatrix(
      70,
      70,
      js.vectors.data.map((x, k) => x * (js.values[k % 70] as number)),
    );
    expect(maxAbsDiff(av, vl)).toBeLessThan(1e-10);
    expect(orthogonalityError(simd.vectors)).toBeLessThan(1e-12);
  });

  it('handles repeated eigenvalues, diagonal input and extreme scales', () => {
    const eye = eigSymmetric(
      fromArray([
        [2, 0, 0],
        [0, 2, 0],
        [0, 0, -1],
      ]),
    );
    expect(Array.from(eye.values)).toEqual([2, 2, -1]);
    expect(orthogonalityError(eye.vectors)).toBeLessThan(1e-15);
    const huge = eigSymmetric(
      fromArray([
        [2e300, 1e300],
        [1e300, 2e300],
      ]),
    );
    expect((huge.values[0] as number) / 3e300).toBeCloseTo(1, 14);
    expect((huge.values[1] as number) / 1e300).toBeCloseTo(1, 14);
  });

  it('returns known eigenvalues of a small matrix', () => {
    const { values } = eigSymmetric(
      fromArray([
        [2, 1],
        [1, 2],
      ]),
    );
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
  });

  it('rejects non-square and non-finite input naming a', () => {
    expect(() => eigSymmetric(createMatrix(2, 3))).toThrow(ShapeError);
    expect(() => eigSymmetric(createMatrix(2, 3))).toThrow(/a must be square, got 2x3/);
    expect(() => eigSymmetric(fromArray([[Number.NaN]]))).toThrow(InvalidInputError);
  });
});
