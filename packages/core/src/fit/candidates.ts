import type { EstimatorSpec } from '@toolbox/predictor';
import type { FitTask } from './detect-task.js';

/** One model to cross-validate: a readable name and the pipeline spec that builds it. */
export interface Candidate {
  name: string;
  spec: EstimatorSpec;
}

export interface CandidateContext {
  task: FitTask;
  /** X has NaN: prepend a mean imputer. */
  hasMissing: boolean;
  /** Columns to one-hot encode. */
  categoricalColumns: readonly number[];
  seed: number;
}

/** The model families `fit` knows, by name (also the `models` option's vocabulary). */
export const MODEL_NAMES = ['linear', 'knn', 'random-forest'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

function pipeline(steps: EstimatorSpec[]): EstimatorSpec {
  return { estimator: 'Pipeline', params: { steps } };
}

/**
 * The preprocessing + model pipeline of each family, as scikit-learn users would build
 * it: impute when X has gaps, one-hot encode categorical columns, scale for the linear
 * model and kNN (trees need no scaling).
 */
export function candidateFor(
  name: ModelName,
  context: CandidateContext,
  params: Record<string, unknown> = {},
): Candidate {
  const classification = context.task === 'classification';
  const prepare: EstimatorSpec[] = [];
  if (context.hasMissing) prepare.push({ estimator: 'SimpleImputer', params: { strategy: 'mean' } });
  if (context.categoricalColumns.length > 0) {
    prepare.push({
      estimator: 'OneHotEncoder',
      params: { columns: [...context.categoricalColumns], handleUnknown: 'ignore' },
    });
  }
  switch (name) {
    case 'linear':
      return {
        name: classification ? 'LogisticRegression' : 'Ridge',
        spec: pipeline([
          ...prepare,
          { estimator: 'StandardScaler' },
          classification
            ? { estimator: 'LogisticRegression', params: { C: 1, maxIter: 200, ...params } }
            : { estimator: 'Ridge', params: { alpha: 1, ...params } },
        ]),
      };
    case 'knn':
      return {
        name: classification ? 'KNNClassifier' : 'KNNRegressor',
        spec: pipeline([
          ...prepare,
          { estimator: 'StandardScaler' },
          { estimator: classification ? 'KNNClassifier' : 'KNNRegressor', params: { k: 5, ...params } },
        ]),
      };
    case 'random-forest':
      return {
        name: classification ? 'RandomForestClassifier' : 'RandomForestRegressor',
        spec: pipeline([
          ...prepare,
          {
            estimator: classification ? 'RandomForestClassifier' : 'RandomForestRegressor',
            params: { nEstimators: 100, seed: context.seed, ...params },
          },
        ]),
      };
  }
}

/**
 * Hyperparameter grids for successive halving: a handful of values per family, the
 * defaults among them.
 */
export function searchGrid(name: ModelName, task: FitTask): Record<string, unknown>[] {
  switch (name) {
    case 'linear':
      return task === 'classification'
        ? [0.1, 1, 10].map((C) => ({ C }))
        : [0.1, 1, 10].map((alpha) => ({ alpha }));
    case 'knn':
      return [3, 5, 9, 15].map((k) => ({ k }));
    case 'random-forest':
      return [
        { nEstimators: 100 },
        { nEstimators: 100, maxFeatures: 'log2' },
        { nEstimators: 100, maxDepth: 12 },
      ];
  }
}
