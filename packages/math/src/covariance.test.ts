import { createMatrix, fromArray, InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { get, randomMatrix } from './_naive.js';
import { correlation, covariance } from './covariance.js';

function naiveCovariance(x: ReturnType<typeof randomMatrix>, ddof: number): number[][] {
  const { rows: r, cols: c } = x;
  const mean = Array.from({ length: c }, (_, j) => {
    let s = 0;
    for (let i = 0; i < r; i++) s += get(x, i, j);
    return s / r;
  });
  return Array.from({ length: c }, (_, a) =>
    Array.from({ length: c }, (_, b) => {
      let s = 0;
      for (let i = 0; i < r; i++)
        s += (get(x, i, a) - (mean[a] as number)) * (get(x, i, b) - (mean[b] as number));
      return s / (r - ddof);
    }),
  );
}

describe('covariance / correlation', () => {
  it('match the textbook double sums', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer(),
        (r, c, seed) => {
          const x = randomMatrix(r, c, seed);
          const cov = covariance(x);
          const reference = naiveCovariance(x, 1);
          const corr = correlation(x);
          for (let a = 0; a < c; a++) {
            for (let b = 0; b < c; b++) {
              const expected = reference[a]?.[b] as number;
              expect(get(cov, a, b)).toBeCloseTo(expected, 12);
              const pearson =
                expected / Math.sqrt((reference[a]?.[a] as number) * (reference[b]?.[b] as number));
              expect(get(corr, a, b)).toBeCloseTo(pearson, 12);
            }
            expect(get(corr, a, a)).toBe(1);
            for (let b = 0; b < c; b++) expect(get(corr, a, b)).toBe(get(corr, b, a));
          }
        },
      ),
    );
  });

  it('gives NaN for the row and column of a constant column, and exact ±1 for collinear ones', () => {
    const x = fromArray([
      [1, 5, 2, -2],
      [2, 5, 4, -4],
      [4, 5, 8, -8],
    ]);
    const corr = correlation(x);
    for (let k = 0; k < 4; k++) {
      expect(get(corr, 1, k)).toBeNaN();
      expect(get(corr, k, 1)).toBeNaN();
    }
    expect(get(corr, 0, 2)).toBeCloseTo(1, 14);
    expect(get(corr, 0, 3)).toBeCloseTo(-1, 14);
    expect(Math.abs(get(corr, 0, 3))).toBeLessThanOrEqual(1);
  });

  it('treats a column constant up to rounding (0.1 repeated) as constant', () => {
    const x = createMatrix(7, 2, new Float64Array([0.1, 1, 0.1, 2, 0.1, 3, 0.1, 4, 0.1, 5, 0.1, 6, 0.1, 7]));
    expect(get(correlation(x), 0, 1)).toBeNaN();
  });

  it('supports ddof and rejects a bad one by name', () => {
    const x = randomMatrix(10, 3, 9);
    expect(get(covariance(x, { ddof: 0 }), 1, 2)).toBeCloseTo(naiveCovariance(x, 0)[1]?.[2] as number, 12);
    expect(() => covariance(x, { ddof: 1.5 })).toThrow(InvalidInputError);
  });
});
