import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { checkPair, type Labels } from './basic.js';
import { probabilityColumns } from './classification.js';

export interface RocCurve {
  /** False-positive rate at each threshold, from 0 to 1. */
  fpr: number[];
  /** True-positive rate at each threshold, from 0 to 1. */
  tpr: number[];
  /** Score thresholds, decreasing; the first is +Infinity (nothing predicted positive). */
  thresholds: number[];
}

/** ROC curve of a binary problem: `yTrue` is 1 (or `positive`) for positives, `scores` higher for positives. */
export function rocCurve(yTrue: Labels, scores: Labels, positive = 1): RocCurve {
  const n = checkPair(yTrue, scores);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  let positives = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === positive) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new InvalidInputError('yTrue must contain both positive and negative samples for a ROC curve', {
      details: { argument: 'yTrue', positives, negatives },
    });
  }
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Number.POSITIVE_INFINITY];
  let tp = 0;
  let fp = 0;
  for (let s = 0; s < n; s++) {
    const i = order[s] as number;
    if (yTrue[i] === positive) tp++;
    else fp++;
    const next = order[s + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      fpr.push(fp / negatives);
      tpr.push(tp / positives);
      thresholds.push(scores[i] as number);
    }
  }
  return { fpr, tpr, thresholds };
}

/** Area under a curve by the trapezoidal rule. */
export function auc(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) {
    area += ((x[i] as number) - (x[i - 1] as number)) * (((y[i] as number) + (y[i - 1] as number)) / 2);
  }
  return area;
}

/**
 * ROC AUC. With a vector of scores: binary, `yTrue` in {0, 1}. With a probability
 * matrix (columns = `classes`, default 0..k−1): one-vs-rest AUC per class, averaged
 * unweighted (`'macro'`, default) or by class support (`'weighted'`).
 */
export function rocAucScore(
  yTrue: Labels,
  scores: Labels | DenseMatrix,
  options: { classes?: ArrayLike<number>; average?: 'macro' | 'weighted' } = {},
): number {
  if (!('data' in scores && 'cols' in scores)) {
    const curve = rocCurve(yTrue, scores as Labels);
    return auc(curve.fpr, curve.tpr);
  }
  const proba = scores as DenseMatrix;
  const classes = options.classes ?? Array.from({ length: proba.cols }, (_, k) => k);
  probabilityColumns(yTrue, proba, classes);
  if (proba.cols === 2) {
    const positive = classes[1] as number;
    const column = Array.from({ length: proba.rows }, (_, i) => proba.data[i * 2 + 1] as number);
    const curve = rocCurve(yTrue, column, positive);
    return auc(curve.fpr, curve.tpr);
  }
  let total = 0;
  let weightSum = 0;
  for (let k = 0; k < proba.cols; k++) {
    const label = classes[k] as number;
    const column = Array.from({ length: proba.rows }, (_, i) => proba.data[i * proba.cols + k] as number);
    const curve = rocCurve(yTrue, column, label);
    let support = 0;
    for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === label) support++;
    const weight = options.average === 'weighted' ? support : 1;
    total += weight * auc(curve.fpr, curve.tpr);
    weightSum += weight;
  }
  return total / weightSum;
}
