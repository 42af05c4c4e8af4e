import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { checkMatrix, checkTarget, positiveInteger, seedOption, takeRows, takeValues } from '../_validate.js';
import type { EstimatorSpec } from '../estimator.js';
import type { Fold } from './k-fold.js';
import { KFold } from './k-fold.js';
import { createEstimator, type EstimatorRegistry } from './registry.js';
import { type Scoring, score } from './scoring.js';
import { StratifiedKFold } from './stratified-k-fold.js';

export interface CrossValidateOptions {
  /**
   * Number of folds (shuffled; stratified for classifiers) or explicit folds.
   * Default 5.
   */
  folds?: number | readonly Fold[];
  /** Default `'accuracy'` for classifiers, `'r2'` otherwise. */
  scoring?: Scoring;
  /** Seed of the fold shuffle. Default 0. */
  seed?: number;
  /** Where `spec.estimator` is looked up. Default `defaultEstimators()`. */
  registry?: EstimatorRegistry;
}

/**
 * One fold as plain data (structured-clone safe): send it to a worker thread and
 * run `evaluateFold` there.
 */
export interface FoldTask {
  spec: EstimatorSpec;
  X: DenseMatrix;
  y: Float64Array;
  train: Uint32Array;
  test: Uint32Array;
  scoring: Scoring;
  fold: number;
}

export interface FoldResult {
  fold: number;
  score: number;
  fitTimeMs: number;
  scoreTimeMs: number;
}

export interface CrossValidateResult {
  scoring: Scoring;
  /** Per fold, in fold order. */
  scores: number[];
  mean: number;
  /** Population standard deviation of the fold scores. */
  std: number;
  fitTimesMs: number[];
  scoreTimesMs: number[];
}

/** Splits (X, y) into fold tasks for `spec`; run each with `evaluateFold`. */
export function createFoldTasks(
  spec: EstimatorSpec,
  X: DenseMatrix,
  y: ArrayLike<number>,
  options: CrossValidateOptions = {},
): FoldTask[] {
  const matrix = checkMatrix(X, 'X', true);
  const target = checkTarget(y, matrix.rows, 'y');
  const probe = createEstimator(spec, options.registry);
  const classifier = probe.kind === 'classifier';
  const scoring = options.scoring ?? (classifier ? 'accuracy' : 'r2');
  const seed = seedOption(options.seed ?? 0, 'options.seed');
  const folds = options.folds ?? 5;
  let split: readonly Fold[];
  if (typeof folds === 'number') {
    positiveInteger(folds, 'options.folds');
    split = classifier
      ? new StratifiedKFold({ nSplits: folds, seed }).split(target)
      : new KFold({ nSplits: folds, seed }).split(matrix.rows);
  } else if (Array.isArray(folds) && folds.length > 0) {
    split = folds;
  } else {
    throw new InvalidInputError('options.folds must be a fold count or a non-empty array of folds', {
      details: { argument: 'options.folds' },
    });
  }
  return split.map((fold, index) => ({
    spec,
    X: matrix,
    y: target,
    train: fold.train,
    test: fold.test,
    scoring,
    fold: index,
  }));
}

/** Fits a fresh estimator on the task's training rows and scores it on its test rows. */
export function evaluateFold(task: FoldTask, registry?: EstimatorRegistry): FoldResult {
  const model = createEstimator(task.spec, registry);
  if (!('predict' in model)) {
    throw new InvalidInputError(
      `${model.type} is a transformer; cross-validate a model or a Pipeline ending in one`,
      {
        details: { argument: 'spec.estimator' },
      },
    );
  }
  const started = performance.now();
  model.fit(takeRows(task.X, task.train), takeValues(task.y, task.train));
  const fitted = performance.now();
  const value = score(model, takeRows(task.X, task.test), takeValues(task.y, task.test), task.scoring);
  return {
    fold: task.fold,
    score: value,
    fitTimeMs: fitted - started,
    scoreTimeMs: performance.now() - fitted,
  };
}

/** Mean and spread of fold results (in any order). */
export function summarizeFolds(results: readonly FoldResult[], scoring: Scoring): CrossValidateResult {
  const ordered = [...results].sort((a, b) => a.fold - b.fold);
  const scores = ordered.map((r) => r.score);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  return {
    scoring,
    scores,
    mean,
    std,
    fitTimesMs: ordered.map((r) => r.fitTimeMs),
    scoreTimesMs: ordered.map((r) => r.scoreTimeMs),
  };
}

/**
 * K-fold cross-validation of the estimator named by `spec`, in this thread. For
 * parallel runs, ship `createFoldTasks(...)` to workers, call `evaluateFold` there,
 * and combine with `summarizeFolds`.
 */
export function crossValidate(
  spec: EstimatorSpec,
  X: DenseMatrix,
  y: ArrayLike<number>,
  options: CrossValidateOptions = {},
): CrossValidateResult {
  const tasks = createFoldTasks(spec, X, y, options);
  const results = tasks.map((task) => evaluateFold(task, options.registry));
  return summarizeFolds(results, (tasks[0] as FoldTask).scoring);
}
