import { describe, expect, it } from 'vitest';
import { createRandom } from '../_random.js';
import { blobs, matrix } from '../_test-data.js';
import { LogisticRegression } from './logistic-regression.js';

/** The tiny multinomial problem the scikit-learn reference values were computed on. */
const tinyX = matrix([
  [0, 1],
  [1, 0],
  [2, 2],
  [3, 1],
  [0, 3],
  [1, 1],
]);

describe('LogisticRegression', () => {
  it('separates separable binary data and reports convergence', () => {
    const X = matrix([[-3], [-2], [-1.5], [-1], [1], [1.5], [2], [3]]);
    const y = [0, 0, 0, 0, 1, 1, 1, 1];
    const model = new LogisticRegression({ C: 10 }).fit(X, y);
    expect(Array.from(model.predict(X))).toEqual(y);
    expect(model.coef.rows).toBe(1);
    expect(model.coef.data[0]).toBeGreaterThan(0);
    expect(model.convergence.converged).toBe(true);
    expect(model.convergence.gradientMaxAbs).toBeLessThanOrEqual(1e-4);
    const proba = model.predictProba(matrix([[0]]));
    // Symmetric data: the boundary is at 0.
    expect(proba.data[1]).toBeCloseTo(0.5, 3);
  });

  it('matches scikit-learn on a tiny binary problem', () => {
    // scikit-learn 1.2: LogisticRegression(tol=1e-10).fit([[0],[1],[2],[3]], [0,0,1,1])
    //   coef_ = [[0.95828524]], intercept_ = [-1.43742827]
    const model = new LogisticRegression({ tol: 1e-9 }).fit(matrix([[0], [1], [2], [3]]), [0, 0, 1, 1]);
    expect(model.coef.data[0]).toBeCloseTo(0.95828524, 4);
    expect(model.intercept[0]).toBeCloseTo(-1.43742827, 4);
  });

  it('matches scikit-learn on a tiny multinomial problem', () => {
    // scikit-learn 1.2: LogisticRegression(tol=1e-10).fit(X, [0,1,2,2,0,1])
    const model = new LogisticRegression({ tol: 1e-9 }).fit(tinyX, [0, 1, 2, 2, 0, 1]);
    const expected = [-0.84513808, 0.36300209, -0.09246046, -0.64653998, 0.93759854, 0.28353789];
    expected.forEach((value, p) => {
      expect(model.coef.data[p]).toBeCloseTo(value, 4);
    });
    [0.40778492, 1.10308282, -1.51086774].forEach((value, k) => {
      expect(model.intercept[k]).toBeCloseTo(value, 4);
    });
  });

  it('matches scikit-learn without intercepts', () => {
    // scikit-learn 1.2: LogisticRegression(fit_intercept=False, tol=1e-10).fit(X, [0,1,2,2,0,1])
    const model = new LogisticRegression({ fitIntercept: false, tol: 1e-9 }).fit(tinyX, [0, 1, 2, 2, 0, 1]);
    const expected = [-0.76953541, 0.48631935, 0.22848791, -0.35514146, 0.5410475, -0.13117789];
    expected.forEach((value, p) => {
      expect(model.coef.data[p]).toBeCloseTo(value, 4);
    });
    expect(Array.from(model.intercept)).toEqual([0, 0, 0]);
  });

  it('fits multinomial models whose probabilities sum to 1', () => {
    const { X, y } = blobs(15);
    const model = new LogisticRegression().fit(X, y);
    expect(model.coef.rows).toBe(3);
    const proba = model.predictProba(X);
    for (let i = 0; i < proba.rows; i++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += proba.data[i * 3 + k] as number;
      expect(sum).toBeCloseTo(1, 12);
    }
    let hits = 0;
    const predicted = model.predict(X);
    for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) hits++;
    expect(hits / y.length).toBe(1);
  });

  it('gives all-zero columns zero weights and leaves the others as without them', () => {
    const { X, y } = blobs(15);
    const padded = new Float64Array(X.rows * 4);
    for (let i = 0; i < X.rows; i++) padded.set(X.data.subarray(i * 3, i * 3 + 3), i * 4 + 1);
    const plain = new LogisticRegression().fit(X, y);
    const model = new LogisticRegression().fit({ rows: X.rows, cols: 4, data: padded }, y);
    for (let k = 0; k < 3; k++) {
      expect(model.coef.data[k * 4]).toBe(0);
      for (let j = 0; j < 3; j++) expect(model.coef.data[k * 4 + j + 1]).toBe(plain.coef.data[k * 3 + j]);
    }
    expect(Array.from(model.intercept)).toEqual(Array.from(plain.intercept));
  });

  it('converges on wide, correlated data (the preconditioned path)', () => {
    // 40 features = 3 informative ones plus 37 noisy mixtures of them.
    const { X, y } = blobs(30);
    const cols = 40;
    const random = createRandom(4);
    const data = new Float64Array(X.rows * cols);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < cols; j++) {
        const a = X.data[i * 3 + (j % 3)] as number;
        const b = X.data[i * 3 + ((j + 1) % 3)] as number;
        data[i * cols + j] = a + 0.3 * b + 0.1 * (random.next() - 0.5);
      }
    }
    const wide = { rows: X.rows, cols, data };
    for (const labels of [y, y.map((c) => (c === 0 ? 0 : 1))]) {
      const model = new LogisticRegression().fit(wide, labels);
      expect(model.convergence.converged).toBe(true);
      expect(model.convergence.gradientMaxAbs).toBeLessThanOrEqual(1e-4);
      const predicted = model.predict(wide);
      let hits = 0;
      for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
      expect(hits / labels.length).toBeGreaterThan(0.95);
    }
  });

  it('keeps arbitrary label values', () => {
    const model = new LogisticRegression().fit(matrix([[0], [1], [10], [11]]), [7, 7, -3, -3]);
    expect(Array.from(model.classes)).toEqual([-3, 7]);
    expect(Array.from(model.predict(matrix([[0.5], [10.5]])))).toEqual([7, -3]);
  });

  it('reports non-convergence when capped', () => {
    const { X, y } = blobs(15);
    const model = new LogisticRegression({ maxIter: 1, C: 1e6 }).fit(X, y);
    expect(model.convergence).toMatchObject({ converged: false, iterations: 1 });
  });
});
