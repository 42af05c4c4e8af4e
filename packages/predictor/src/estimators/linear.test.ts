import { describe, expect, it } from 'vitest';
import { linear, matrix } from '../_test-data.js';
import { LinearRegression } from './linear-regression.js';
import { Ridge } from './ridge.js';

describe('LinearRegression', () => {
  it('recovers exact linear data', () => {
    const X = matrix([
      [1, 2],
      [2, 0],
      [3, 5],
      [4, 1],
      [0, 7],
    ]);
    const y = Array.from(
      { length: 5 },
      (_, i) => 1.5 * (X.data[i * 2] as number) - 4 * (X.data[i * 2 + 1] as number) + 10,
    );
    const model = new LinearRegression().fit(X, y);
    expect(model.coef[0]).toBeCloseTo(1.5, 10);
    expect(model.coef[1]).toBeCloseTo(-4, 10);
    expect(model.intercept).toBeCloseTo(10, 10);
    expect(model.rank).toBe(2);
    const predicted = model.predict(matrix([[10, 10]]));
    expect(predicted[0]).toBeCloseTo(-15, 9);
  });

  it('fits through the origin without an intercept', () => {
    const model = new LinearRegression({ fitIntercept: false }).fit(matrix([[1], [2], [3]]), [2, 4, 6]);
    expect(model.coef[0]).toBeCloseTo(2, 12);
    expect(model.intercept).toBe(0);
  });

  it('gives the minimum-norm solution for duplicated columns', () => {
    const X = matrix([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const model = new LinearRegression().fit(X, [2, 4, 6]);
    expect(model.coef[0]).toBeCloseTo(1, 10);
    expect(model.coef[1]).toBeCloseTo(1, 10);
    expect(model.rank).toBe(1);
  });
});

describe('Ridge', () => {
  it('matches the closed form on one feature: w = Σxy / (Σx² + α)', () => {
    // Centred x = [-1, 0, 1], y = [-2, 0, 2]: w = 4 / (2 + α).
    const model = new Ridge({ alpha: 2 }).fit(matrix([[1], [2], [3]]), [3, 5, 7]);
    expect(model.coef[0]).toBeCloseTo(1, 12);
    expect(model.intercept).toBeCloseTo(5 - 2 * 1, 12);
  });

  it('approaches least squares as alpha goes to 0 and shrinks as it grows', () => {
    const { X, y } = linear();
    const ols = new LinearRegression().fit(X, y).coef;
    const small = new Ridge({ alpha: 1e-9 }).fit(X, y).coef;
    const large = new Ridge({ alpha: 1e4 }).fit(X, y).coef;
    for (let j = 0; j < 3; j++) expect(small[j]).toBeCloseTo(ols[j] as number, 6);
    const norm = (w: Float64Array) => Math.hypot(...w);
    expect(norm(large)).toBeLessThan(norm(ols) / 2);
  });

  it('rejects a negative alpha', () => {
    expect(() => new Ridge({ alpha: -1 })).toThrow('options.alpha must be a finite number >= 0, got -1');
  });
});
