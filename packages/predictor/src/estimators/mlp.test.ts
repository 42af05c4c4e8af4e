import { describe, expect, it } from 'vitest';
import { blobs, matrix } from '../_test-data.js';
import { r2Score } from '../metrics/basic.js';
import { MLPClassifier, MLPRegressor } from './mlp.js';

const XOR = matrix([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);

describe('MLPClassifier', () => {
  it('learns XOR, which no linear model can', () => {
    const model = new MLPClassifier({
      hiddenLayerSizes: [8],
      activation: 'tanh',
      learningRate: 0.05,
      maxIter: 500,
      seed: 3,
    });
    model.fit(XOR, [0, 1, 1, 0]);
    expect(Array.from(model.predict(XOR))).toEqual([0, 1, 1, 0]);
    const { lossCurve, epochs } = model.history;
    expect(lossCurve).toHaveLength(epochs);
    expect(lossCurve[lossCurve.length - 1]).toBeLessThan((lossCurve[0] as number) / 5);
  });

  it('classifies blobs with early stopping and keeps the validation curve', () => {
    const { X, y } = blobs(30);
    const model = new MLPClassifier({
      hiddenLayerSizes: [16],
      earlyStopping: true,
      validationFraction: 0.2,
      nIterNoChange: 50,
      learningRate: 0.01,
      maxIter: 300,
    });
    model.fit(X, y);
    const history = model.history;
    expect(history.validationScores.length).toBe(history.epochs);
    expect(Math.max(...history.validationScores)).toBe(1);
    let hits = 0;
    const predicted = model.predict(X);
    for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) hits++;
    expect(hits / y.length).toBeGreaterThan(0.95);
    const proba = model.predictProba(X);
    expect((proba.data[0] as number) + (proba.data[1] as number) + (proba.data[2] as number)).toBeCloseTo(
      1,
      12,
    );
  });

  it('stops at maxIter without claiming convergence', () => {
    const model = new MLPClassifier({ hiddenLayerSizes: [4], maxIter: 3 }).fit(XOR, [0, 1, 1, 0]);
    expect(model.history).toMatchObject({ epochs: 3, converged: false });
  });

  it('rejects bad layer sizes by name', () => {
    expect(() => new MLPClassifier({ hiddenLayerSizes: [4, 0] })).toThrow(
      'options.hiddenLayerSizes[1] must be a positive integer, got 0',
    );
  });
});

describe('MLPRegressor', () => {
  it('fits a smooth nonlinear function', () => {
    const rows = 64;
    const data = Float64Array.from({ length: rows }, (_, i) => (i / rows) * 2 - 1);
    const y = Float64Array.from(data, (x) => x * x);
    const model = new MLPRegressor({
      hiddenLayerSizes: [16],
      activation: 'tanh',
      learningRate: 0.005,
      maxIter: 3000,
      nIterNoChange: 100,
    });
    model.fit({ rows, cols: 1, data }, y);
    // A straight line cannot do better than R² = 0 on x² over [-1, 1].
    expect(r2Score(y, model.predict({ rows, cols: 1, data }))).toBeGreaterThan(0.95);
  });
});
