import { fromArray, InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnQuantiles, quantile } from './quantile.js';

function naiveQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

describe('quantile', () => {
  it('matches linear interpolation between order statistics (numpy default)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          expect(quantile(Float64Array.from(values), q)).toBeCloseTo(naiveQuantile(values, q), 6);
        },
      ),
    );
  });

  it('returns several quantiles from one sort, and column quantiles', () => {
    const values = Float64Array.from([3, 1, 4, 1, 5, 9, 2, 6]);
    expect(Array.from(quantile(values, [0, 0.5, 1]))).toEqual([1, 3.5, 9]);
    expect(quantile(Float64Array.from([1, 2, 3, 4]), 0.25)).toBe(1.75);
    const x = fromArray([
      [1, 10],
      [2, 30],
      [3, 20],
    ]);
    expect(Array.from(columnQuantiles(x, 0.5))).toEqual([2, 20]);
  });

  it('rejects empty input, NaN and q outside [0, 1], naming them', () => {
    expect(() => quantile(new Float64Array(0), 0.5)).toThrow(/values must not be empty/);
    expect(() => quantile(Float64Array.from([1, Number.NaN]), 0.5)).toThrow(/values contains NaN/);
    expect(() => quantile(Float64Array.from([1]), 1.5)).toThrow(InvalidInputError);
    expect(() => quantile(Float64Array.from([1]), [0.5, -1])).toThrow(/q\[1\] must be a number in \[0, 1\]/);
  });
});
