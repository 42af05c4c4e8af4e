import { InvalidInputError, ShapeError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { accuracy, r2Score } from './basic.js';

describe('accuracy', () => {
  it('is the share of exact matches', () => {
    expect(accuracy([0, 1, 2, 2], [0, 1, 1, 2])).toBe(0.75);
    expect(accuracy(new Float64Array([1, 1]), new Float64Array([1, 1]))).toBe(1);
  });

  it('rejects mismatched lengths and empty input', () => {
    expect(() => accuracy([1, 2], [1])).toThrow(ShapeError);
    expect(() => accuracy([1, 2], [1])).toThrow('yTrue has 2 values but yPred has 1');
    expect(() => accuracy([], [])).toThrow(InvalidInputError);
    expect(() => accuracy(null as unknown as number[], [])).toThrow(/yTrue must be an array/);
  });
});

describe('r2Score', () => {
  it('matches the textbook value', () => {
    // scikit-learn: r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) == 0.9486081370449679
    expect(r2Score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])).toBeCloseTo(0.9486081370449679, 12);
  });

  it('is 1 for a perfect fit and negative for a fit worse than the mean', () => {
    expect(r2Score([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2Score([1, 2, 3], [3, 2, 1])).toBe(-3);
  });

  it("follows scikit-learn's convention for a constant truth", () => {
    expect(r2Score([2, 2], [2, 2])).toBe(1);
    expect(r2Score([2, 2], [1, 2])).toBe(0);
  });
});
