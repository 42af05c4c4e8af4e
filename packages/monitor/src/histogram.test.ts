import { InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normal, seededRandom } from '../test/fixture.js';
import { LogHistogram } from './histogram.js';

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

describe('LogHistogram', () => {
  it('answers quantiles within 1 % of exact sorting on 1e6 log-normal samples, in bounded memory', () => {
    const random = seededRandom(42);
    const n = 1_000_000;
    const values = new Float64Array(n);
    const histogram = new LogHistogram();
    for (let i = 0; i < n; i++) {
      // Durations from microseconds to minutes: log-normal around 5 ms with a wide spread.
      const value = Math.exp(Math.log(5) + 2.5 * normal(random));
      values[i] = value;
      histogram.record(value);
    }
    const sorted = values.slice().sort();
    for (const q of QUANTILES) {
      const exact = exactQuantile(sorted, q);
      const estimate = histogram.quantile(q);
      expect(Math.abs(estimate - exact) / exact, `q=${q}`).toBeLessThanOrEqual(0.01);
    }
    expect(histogram.count).toBe(n);
    expect(histogram.min).toBe(sorted[0]);
    expect(histogram.max).toBe(sorted[n - 1]);
    // Memory is logarithmic in the value range, not linear in the sample count:
    // the full 1e-6..1e9 range at 0.5 % accuracy is ~3 500 buckets (28 kB).
    expect(histogram.bucketCount).toBeLessThanOrEqual(3500);
    const spanned = Math.log((sorted[n - 1] as number) / (sorted[0] as number)) / Math.log(1.005 / 0.995);
    expect(histogram.bucketCount).toBeLessThanOrEqual(2 * spanned + 64);
  });

  it('keeps the same bound on a uniform and an exponential distribution', () => {
    const random = seededRandom(7);
    for (const draw of [() => 1 + 999 * random(), () => -Math.log(1 - random()) * 20]) {
      const n = 200_000;
      const values = new Float64Array(n);
      const histogram = new LogHistogram({ relativeAccuracy: 0.005 });
      for (let i = 0; i < n; i++) {
        values[i] = draw();
        histogram.record(values[i] as number);
      }
      const sorted = values.slice().sort();
      for (const q of QUANTILES) {
        const exact = exactQuantile(sorted, q);
        expect(Math.abs(histogram.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.01);
      }
    }
  });

  it('is within its relative accuracy for any small sample (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const histogram = new LogHistogram({ relativeAccuracy: 0.01 });
          for (const value of values) histogram.record(value);
          const exact = exactQuantile(Float64Array.from(values).sort(), q);
          expect(Math.abs(histogram.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.01 + 1e-12);
        },
      ),
    );
  });

  it('counts zeros and values beyond the range, and exact sum, mean, min and max', () => {
    const histogram = new LogHistogram({ minValue: 1, maxValue: 1000 });
    for (const value of [0, 0, 0.5, 10, 1e6]) histogram.record(value);
    expect(histogram.count).toBe(5);
    expect(histogram.sum).toBe(1_000_010.5);
    expect(histogram.mean).toBeCloseTo(200_002.1, 6);
    expect(histogram.quantile(0)).toBe(0);
    expect(histogram.quantile(0.5)).toBe(0);
    expect(histogram.quantile(1)).toBe(1e6);
    expect(histogram.max).toBe(1e6);
    histogram.reset();
    expect(histogram.count).toBe(0);
    expect(histogram.quantile(0.5)).toBeNaN();
    expect(histogram.bucketCount).toBe(0);
  });

  it('rejects bad input with errors that name the argument', () => {
    const histogram = new LogHistogram();
    expect(() => histogram.record(-1)).toThrow(InvalidInputError);
    expect(() => histogram.record(Number.NaN)).toThrow('value must be a finite number ≥ 0, got NaN');
    expect(() => histogram.quantile(1.5)).toThrow('q must be a number from 0 to 1, got 1.5');
    expect(() => new LogHistogram({ relativeAccuracy: 0.5 })).toThrow('options.relativeAccuracy');
    expect(() => new LogHistogram({ minValue: 10, maxValue: 1 })).toThrow('options.maxValue must be greater');
  });
});
