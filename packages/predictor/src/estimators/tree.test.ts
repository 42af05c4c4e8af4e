import { describe, expect, it } from 'vitest';
import { blobs, matrix } from '../_test-data.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from './decision-tree.js';
import { RandomForestClassifier, RandomForestRegressor } from './random-forest.js';

const XOR = matrix([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);

describe('DecisionTreeClassifier', () => {
  it('learns XOR exactly', () => {
    const tree = new DecisionTreeClassifier().fit(XOR, [0, 1, 1, 0]);
    expect(Array.from(tree.predict(XOR))).toEqual([0, 1, 1, 0]);
    expect(
      Array.from(
        tree.predict(
          matrix([
            [0.1, 0.9],
            [0.9, 0.9],
          ]),
        ),
      ),
    ).toEqual([1, 0]);
    expect(tree.predictProba(XOR).data[0]).toBe(1);
  });

  it('splits at the midpoint between neighbouring values', () => {
    const tree = new DecisionTreeClassifier().fit(matrix([[1], [2], [3], [10]]), [0, 0, 1, 1]);
    const json = tree.toJSON();
    expect(json.state?.trees[0]?.threshold[0]).toBe(2.5);
    expect(Array.from(tree.predict(matrix([[2.5], [2.51]])))).toEqual([0, 1]);
  });

  it('respects maxDepth', () => {
    const stump = new DecisionTreeClassifier({ maxDepth: 1 }).fit(XOR, [0, 1, 1, 0]);
    expect(stump.toJSON().state?.trees[0]?.feature.length).toBeLessThanOrEqual(3);
  });

  it('gives the informative feature all the importance', () => {
    const X = matrix([
      [0, 5],
      [1, 5],
      [2, 5],
      [3, 5],
    ]);
    const tree = new DecisionTreeClassifier().fit(X, [0, 0, 1, 1]);
    expect(Array.from(tree.featureImportances)).toEqual([1, 0]);
  });
});

describe('DecisionTreeRegressor', () => {
  it('fits a step function exactly', () => {
    const X = matrix([[0], [1], [2], [3], [4], [5]]);
    const tree = new DecisionTreeRegressor().fit(X, [1, 1, 1, 5, 5, 5]);
    expect(Array.from(tree.predict(matrix([[0.5], [4.5]])))).toEqual([1, 5]);
  });

  it('bins wide columns into maxBins and still separates distinct groups', () => {
    const n = 1000;
    const data = Float64Array.from({ length: n }, (_, i) => i / 7);
    const y = Float64Array.from(data, (v) => (v < 60 ? -1 : 1));
    const tree = new DecisionTreeRegressor({ maxBins: 16 }).fit({ rows: n, cols: 1, data }, y);
    expect(Array.from(tree.predict(matrix([[0], [140]])))).toEqual([-1, 1]);
  });
});

describe('RandomForestClassifier', () => {
  it('is reproducible for a seed and varies across seeds', () => {
    const { X, y } = blobs();
    const a = JSON.stringify(new RandomForestClassifier({ nEstimators: 5, seed: 1 }).fit(X, y).toJSON());
    const b = JSON.stringify(new RandomForestClassifier({ nEstimators: 5, seed: 1 }).fit(X, y).toJSON());
    const c = JSON.stringify(new RandomForestClassifier({ nEstimators: 5, seed: 2 }).fit(X, y).toJSON());
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('is a decision tree when it has one tree, no bootstrap and all features', () => {
    const { X, y } = blobs();
    const forest = new RandomForestClassifier({
      nEstimators: 1,
      bootstrap: false,
      maxFeatures: 'all',
      seed: 5,
    });
    const tree = new DecisionTreeClassifier({ seed: 5 });
    expect(forest.fit(X, y).toJSON().state?.trees).toEqual(tree.fit(X, y).toJSON().state?.trees);
  });

  it('classifies blobs and averages tree probabilities', () => {
    const { X, y } = blobs();
    const forest = new RandomForestClassifier({ nEstimators: 20 }).fit(X, y);
    expect(Array.from(forest.predict(X))).toEqual(Array.from(y));
    const proba = forest.predictProba(matrix([[0, 0, 0]]));
    expect(proba.data[0]).toBeGreaterThan(0.8);
    expect((proba.data[0] as number) + (proba.data[1] as number) + (proba.data[2] as number)).toBeCloseTo(
      1,
      12,
    );
  });

  it('ranks an informative feature above noise', () => {
    const rows = 200;
    const data = new Float64Array(rows * 2);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      data[i * 2] = i % 2;
      data[i * 2 + 1] = (i * 7919) % 13;
      y[i] = i % 2;
    }
    const importances = new RandomForestClassifier({ nEstimators: 10 }).fit(
      { rows, cols: 2, data },
      y,
    ).featureImportances;
    expect(importances[0]).toBeGreaterThan(0.9);
    expect((importances[0] as number) + (importances[1] as number)).toBeCloseTo(1, 12);
  });

  it('rejects bad options by name', () => {
    expect(() => new RandomForestClassifier({ nEstimators: 0 })).toThrow(
      'options.nEstimators must be a positive integer',
    );
    expect(() => new RandomForestClassifier({ maxFeatures: 1.5 })).toThrow('options.maxFeatures');
    expect(() => new RandomForestClassifier({ maxBins: 300 })).toThrow(
      'options.maxBins must be an integer in [2, 256]',
    );
  });
});

describe('RandomForestRegressor', () => {
  it('predicts the mean of its trees', () => {
    const X = matrix([[0], [1], [2], [3], [4], [5], [6], [7]]);
    const y = [0, 0, 0, 0, 10, 10, 10, 10];
    const forest = new RandomForestRegressor({ nEstimators: 30 }).fit(X, y);
    const [low, high] = forest.predict(matrix([[0], [7]]));
    expect(low).toBeLessThan(2);
    expect(high).toBeGreaterThan(8);
  });
});
