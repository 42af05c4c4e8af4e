import { createMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { get, randomMatrix } from './_naive.js';
import { columnMeans, columnStd, columnVariances } from './column-stats.js';

describe('column statistics', () => {
  it('match textbook per-column formulas', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer(),
        fc.constantFrom(0, 1),
        (r, c, seed, ddof) => {
          const x = randomMatrix(r, c, seed);
          const means = columnMeans(x);
          const variances = columnVariances(x, { ddof });
          const std = columnStd(x, { ddof });
          for (let j = 0; j < c; j++) {
            let sum = 0;
            for (let i = 0; i < r; i++) sum += get(x, i, j);
            const mean = sum / r;
            let ss = 0;
            for (let i = 0; i < r; i++) ss += (get(x, i, j) - mean) ** 2;
            expect(means[j]).toBeCloseTo(mean, 12);
            expect(variances[j]).toBeCloseTo(ss / (r - ddof), 12);
            expect(std[j]).toBeCloseTo(Math.sqrt(ss / (r - ddof)), 12);
          }
        },
      ),
    );
  });

  it('defaults to the sample variance (ddof 1) and writes into out', () => {
    const x = createMatrix(4, 1, new Float64Array([1, 2, 3, 4]));
    const out = new Float64Array(1);
    expect(columnVariances(x, undefined, out)).toBe(out);
    expect(out[0]).toBeCloseTo(5 / 3, 14);
  });

  it('is exact for a large offset (two-pass, no cancellation)', () => {
    const x = createMatrix(3, 1, new Float64Array([1e9 + 1, 1e9 + 2, 1e9 + 3]));
    expect(columnVariances(x)[0]).toBe(1);
  });

  it('uses given means instead of computing them', () => {
    const x = createMatrix(4, 2, new Float64Array([1, 10, 2, 20, 3, 30, 4, 40]));
    const means = columnMeans(x);
    expect(Array.from(columnVariances(x, { ddof: 0, means }))).toEqual(
      Array.from(columnVariances(x, { ddof: 0 })),
    );
    // The means are taken as given: variance about 0 is the mean square.
    expect(columnVariances(x, { ddof: 0, means: new Float64Array(2) })[0]).toBe(30 / 4);
    expect(() => columnVariances(x, { means: new Float64Array(3) })).toThrow(ShapeError);
    expect(() => columnVariances(x, { means: new Float64Array(3) })).toThrow(
      /options\.means must have 2 elements/,
    );
  });

  it('rejects bad ddof, too few rows and a wrong out', () => {
    expect(() => columnVariances(createMatrix(3, 2), { ddof: -1 })).toThrow(InvalidInputError);
    expect(() => columnVariances(createMatrix(3, 2), { ddof: -1 })).toThrow(/options\.ddof/);
    expect(() => columnStd(createMatrix(1, 2))).toThrow(ShapeError);
    expect(() => columnMeans(createMatrix(3, 2), new Float64Array(3))).toThrow(/out must have 2 elements/);
  });
});
