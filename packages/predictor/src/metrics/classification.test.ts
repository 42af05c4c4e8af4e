import { ShapeError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { matrix } from '../_test-data.js';
import { meanAbsoluteError, meanSquaredError, rootMeanSquaredError } from './basic.js';
import {
  classificationScores,
  confusionMatrix,
  f1Score,
  logLoss,
  precisionScore,
  recallScore,
} from './classification.js';
import { auc, rocAucScore, rocCurve } from './roc.js';

const yTrue = [0, 1, 2, 0, 1, 2, 0, 2];
const yPred = [0, 2, 1, 0, 0, 2, 0, 2];

describe('classification metrics', () => {
  it('counts the confusion matrix', () => {
    expect(confusionMatrix(yTrue, yPred)).toEqual({
      labels: [0, 1, 2],
      matrix: [
        [3, 0, 0],
        [1, 0, 1],
        [0, 1, 2],
      ],
    });
  });

  it('matches scikit-learn precision / recall / F1', () => {
    // sklearn: precision_recall_fscore_support(yTrue, yPred, zero_division=0)
    const scores = classificationScores(yTrue, yPred);
    expect(scores.precision).toEqual([0.75, 0, 2 / 3]);
    expect(scores.recall).toEqual([1, 0, 2 / 3]);
    expect(scores.support).toEqual([3, 2, 3]);
    expect(f1Score(yTrue, yPred, 'macro')).toBeCloseTo(0.5079365079365079, 12);
    expect(f1Score(yTrue, yPred, 'weighted')).toBeCloseTo(0.5714285714285714, 12);
    expect(precisionScore(yTrue, yPred)).toBeCloseTo(0.4722222222222222, 12);
    expect(recallScore(yTrue, yPred, 'weighted')).toBeCloseTo(0.625, 12);
    expect(f1Score(yTrue, yPred, 'micro')).toBe(0.625);
  });

  it('computes the log loss of probabilities', () => {
    // sklearn: log_loss([0, 1], [[0.9, 0.1], [0.2, 0.8]]) == 0.164252033486018
    expect(
      logLoss(
        [0, 1],
        matrix([
          [0.9, 0.1],
          [0.2, 0.8],
        ]),
      ),
    ).toBeCloseTo(0.164252033486018, 12);
    expect(() => logLoss([0, 1, 1], matrix([[1, 0]]))).toThrow(ShapeError);
  });
});

describe('regression metrics', () => {
  it('computes MAE, MSE and RMSE', () => {
    expect(meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8])).toBe(0.5);
    expect(meanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8])).toBe(0.375);
    expect(rootMeanSquaredError([1, 1], [4, -3])).toBeCloseTo(Math.sqrt(12.5), 14);
  });
});

describe('ROC', () => {
  it('matches scikit-learn roc_curve and roc_auc_score', () => {
    // sklearn: roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    const curve = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(curve.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(curve.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(curve.thresholds.slice(1)).toEqual([0.8, 0.4, 0.35, 0.1]);
    expect(auc(curve.fpr, curve.tpr)).toBe(0.75);
    expect(rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('averages one-vs-rest AUC over classes', () => {
    const proba = matrix([
      [0.8, 0.1, 0.1],
      [0.2, 0.7, 0.1],
      [0.1, 0.2, 0.7],
      [0.3, 0.4, 0.3],
    ]);
    expect(rocAucScore([0, 1, 2, 1], proba)).toBe(1);
    // Binary probabilities use the second column.
    expect(
      rocAucScore(
        [0, 1],
        matrix([
          [0.9, 0.1],
          [0.3, 0.7],
        ]),
      ),
    ).toBe(1);
  });

  it('needs both classes', () => {
    expect(() => rocCurve([1, 1], [0.2, 0.3])).toThrow(
      'yTrue must contain both positive and negative samples',
    );
  });
});
