import { type DenseMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import { checkPair, type Labels } from './basic.js';

export interface ConfusionMatrix {
  /** Sorted labels present in `yTrue` or `yPred`: row/column order of `matrix`. */
  labels: number[];
  /** `matrix[i][j]`: samples of true label `labels[i]` predicted as `labels[j]`. */
  matrix: number[][];
}

export function confusionMatrix(yTrue: Labels, yPred: Labels): ConfusionMatrix {
  const n = checkPair(yTrue, yPred);
  const labels = Array.from(new Set([...Array.from(yTrue), ...Array.from(yPred)])).sort((a, b) => a - b);
  const index = new Map(labels.map((label, k) => [label, k]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < n; i++) {
    const row = matrix[index.get(yTrue[i] as number) as number] as number[];
    row[index.get(yPred[i] as number) as number] =
      (row[index.get(yPred[i] as number) as number] as number) + 1;
  }
  return { labels, matrix };
}

export type Average = 'macro' | 'weighted' | 'micro';

export interface ClassScores {
  /** Sorted labels, the order of the per-class arrays. */
  labels: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  /** True samples per label. */
  support: number[];
}

/**
 * Per-class precision, recall and F1. A class never predicted (or never present)
 * scores 0 for the undefined ratio, as scikit-learn's `zero_division=0`.
 */
export function classificationScores(yTrue: Labels, yPred: Labels): ClassScores {
  const { labels, matrix } = confusionMatrix(yTrue, yPred);
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  labels.forEach((_, k) => {
    const tp = (matrix[k] as number[])[k] as number;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < labels.length; j++) {
      predicted += (matrix[j] as number[])[k] as number;
      actual += (matrix[k] as number[])[j] as number;
    }
    const p = predicted === 0 ? 0 : tp / predicted;
    const r = actual === 0 ? 0 : tp / actual;
    precision.push(p);
    recall.push(r);
    f1.push(p + r === 0 ? 0 : (2 * p * r) / (p + r));
    support.push(actual);
  });
  return { labels, precision, recall, f1, support };
}

function averageOf(values: number[], support: number[], average: Average, micro: () => number): number {
  if (average === 'micro') return micro();
  if (average === 'macro') return values.reduce((a, b) => a + b, 0) / values.length;
  if (average !== 'weighted') {
    throw new InvalidInputError(
      `average must be 'macro', 'weighted' or 'micro', got ${JSON.stringify(average)}`,
      {
        details: { argument: 'average', value: average },
      },
    );
  }
  const total = support.reduce((a, b) => a + b, 0);
  return values.reduce((sum, v, k) => sum + v * (support[k] as number), 0) / total;
}

function microScore(yTrue: Labels, yPred: Labels): number {
  // Single-label micro precision = recall = F1 = accuracy.
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** Precision averaged over classes (`'macro'` default, `'weighted'` by support, or `'micro'`). */
export function precisionScore(yTrue: Labels, yPred: Labels, average: Average = 'macro'): number {
  const scores = classificationScores(yTrue, yPred);
  return averageOf(scores.precision, scores.support, average, () => microScore(yTrue, yPred));
}

export function recallScore(yTrue: Labels, yPred: Labels, average: Average = 'macro'): number {
  const scores = classificationScores(yTrue, yPred);
  return averageOf(scores.recall, scores.support, average, () => microScore(yTrue, yPred));
}

export function f1Score(yTrue: Labels, yPred: Labels, average: Average = 'macro'): number {
  const scores = classificationScores(yTrue, yPred);
  return averageOf(scores.f1, scores.support, average, () => microScore(yTrue, yPred));
}

/** Checks probabilities against labels and returns each sample's class column. */
export function probabilityColumns(
  yTrue: Labels,
  proba: DenseMatrix,
  classes: ArrayLike<number>,
): Int32Array {
  if (proba === null || typeof proba !== 'object' || !(proba.data instanceof Float64Array)) {
    throw new InvalidInputError('proba must be a DenseMatrix of class probabilities', {
      details: { argument: 'proba' },
    });
  }
  if (proba.rows !== yTrue.length) {
    throw new ShapeError(`yTrue has ${yTrue.length} values but proba has ${proba.rows} rows`, {
      details: { yTrue: yTrue.length, proba: proba.rows },
    });
  }
  if (proba.cols !== classes.length) {
    throw new ShapeError(`proba has ${proba.cols} columns but there are ${classes.length} classes`, {
      details: { proba: proba.cols, classes: classes.length },
    });
  }
  const index = new Map<number, number>();
  for (let k = 0; k < classes.length; k++) index.set(classes[k] as number, k);
  const columns = new Int32Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const k = index.get(yTrue[i] as number);
    if (k === undefined) {
      throw new InvalidInputError(`yTrue[${i}] = ${yTrue[i]} is not one of the classes`, {
        details: { argument: 'yTrue', index: i },
      });
    }
    columns[i] = k;
  }
  return columns;
}

/**
 * Mean negative log-likelihood of the true class; probabilities are clipped to
 * [1e-15, 1 − 1e-15]. `classes` names the columns of `proba` (default 0..k−1).
 */
export function logLoss(yTrue: Labels, proba: DenseMatrix, classes?: ArrayLike<number>): number {
  const labels = classes ?? Array.from({ length: proba?.cols ?? 0 }, (_, k) => k);
  const columns = probabilityColumns(yTrue, proba, labels);
  if (columns.length === 0) {
    throw new InvalidInputError('yTrue must not be empty', { details: { argument: 'yTrue' } });
  }
  let sum = 0;
  for (let i = 0; i < columns.length; i++) {
    let rowSum = 0;
    for (let k = 0; k < proba.cols; k++) rowSum += proba.data[i * proba.cols + k] as number;
    const p = (proba.data[i * proba.cols + (columns[i] as number)] as number) / rowSum;
    sum -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, p)));
  }
  return sum / columns.length;
}
