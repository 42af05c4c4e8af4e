import { describe, expect, it } from 'vitest';
import { median, quantile, relativeSpread } from './statistics.js';

describe('statistics', () => {
  it('takes medians of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('interpolates quantiles', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([5, 1, 9], 0)).toBe(1);
    expect(quantile([5, 1, 9], 1)).toBe(9);
  });

  it('measures spread robustly: one outlier does not move it', () => {
    expect(relativeSpread([10, 10, 10, 10, 1000])).toBe(0);
    expect(relativeSpread([9, 10, 11])).toBeCloseTo(0.1);
  });
});
