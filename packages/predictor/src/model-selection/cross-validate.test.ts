import { describe, expect, it } from 'vitest';
import { blobs } from '../_test-data.js';
import { type DatasetName, loadDataset } from '../datasets.js';
import { createFoldTasks, crossValidate, evaluateFold, summarizeFolds } from './cross-validate.js';
import { KFold } from './k-fold.js';

/**
 * scikit-learn 1.2 on this machine: 5-fold CV, StratifiedKFold/KFold(shuffle=True,
 * random_state=0); StandardScaler before logistic regression / ridge / kNN; random
 * forest of 100 trees. Our folds for seed 0 are the same folds.
 */
const SKLEARN: Record<DatasetName, [number, number, number]> = {
  iris: [0.96, 0.953, 0.94],
  wine: [0.983, 0.961, 0.972],
  breast_cancer: [0.979, 0.965, 0.965],
  digits: [0.969, 0.977, 0.973],
  diabetes: [0.49, 0.382, 0.419],
};

describe('crossValidate', () => {
  for (const name of Object.keys(SKLEARN) as DatasetName[]) {
    it(`scores ${name} within 1.5 points of scikit-learn for linear, kNN and forest models`, () => {
      const { X, y, task } = loadDataset(name);
      const regression = task === 'regression';
      const scaled = (estimator: string, params = {}) => ({
        estimator: 'Pipeline',
        params: { steps: [{ estimator: 'StandardScaler' }, { estimator, params }] },
      });
      const specs = [
        scaled(regression ? 'Ridge' : 'LogisticRegression'),
        scaled(regression ? 'KNNRegressor' : 'KNNClassifier', { k: 5 }),
        {
          estimator: regression ? 'RandomForestRegressor' : 'RandomForestClassifier',
          params: { nEstimators: 100 },
        },
      ];
      const expected = SKLEARN[name];
      specs.forEach((spec, m) => {
        const result = crossValidate(spec, X, y, { folds: 5, seed: 0 });
        expect(result.scoring).toBe(regression ? 'r2' : 'accuracy');
        expect(result.scores).toHaveLength(5);
        expect(Math.abs(result.mean - (expected[m] as number)), `${spec.estimator} ${m}`).toBeLessThanOrEqual(
          0.015,
        );
      });
    }, 60_000);
  }

  it('runs the same folds as plain data (structured-cloned, as for a worker)', () => {
    const { X, y } = blobs(20);
    const spec = { estimator: 'RandomForestClassifier', params: { nEstimators: 5 } };
    const tasks = createFoldTasks(spec, X, y, { folds: 3, scoring: 'f1Macro' });
    const shipped = tasks.map((task) => evaluateFold(structuredClone(task)));
    const local = crossValidate(spec, X, y, { folds: 3, scoring: 'f1Macro' });
    expect(summarizeFolds(shipped.reverse(), 'f1Macro').scores).toEqual(local.scores);
    expect(local.fitTimesMs.every((ms) => ms >= 0)).toBe(true);
  });

  it('accepts explicit folds and rejects an empty list', () => {
    const { X, y } = blobs(10);
    const folds = new KFold({ nSplits: 3, shuffle: false }).split(X.rows);
    const result = crossValidate({ estimator: 'KNNClassifier', params: { k: 1 } }, X, y, { folds });
    expect(result.scores).toHaveLength(3);
    expect(() => crossValidate({ estimator: 'KNNClassifier' }, X, y, { folds: [] })).toThrow(
      'options.folds must be a fold count or a non-empty array of folds',
    );
  });

  it('scores probabilities and errors with the named scorings', () => {
    const { X, y } = blobs(20);
    const auc = crossValidate({ estimator: 'LogisticRegression' }, X, y, { folds: 3, scoring: 'rocAuc' });
    expect(auc.mean).toBe(1);
    const loss = crossValidate({ estimator: 'LogisticRegression' }, X, y, {
      folds: 3,
      scoring: 'negLogLoss',
    });
    expect(loss.mean).toBeLessThan(0);
    expect(() => crossValidate({ estimator: 'Ridge' }, X, y, { scoring: 'rocAuc' })).toThrow(
      "scoring 'rocAuc' needs a classifier with predictProba, got Ridge",
    );
    expect(() => crossValidate({ estimator: 'StandardScaler' }, X, y)).toThrow(
      'StandardScaler is a transformer',
    );
  });
});
