import type { DenseMatrix } from '@toolbox/contracts';
import type { Classifier, EstimatorJSON, Regressor } from '../estimator.js';
import {
  argmaxRows,
  type ForestOptions,
  type ForestParams,
  resolveTreeOptions,
  TreeEnsemble,
} from './_forest.js';

const FOREST_KEYS = [
  'nEstimators',
  'bootstrap',
  'maxDepth',
  'minSamplesSplit',
  'minSamplesLeaf',
  'maxFeatures',
  'maxBins',
  'seed',
] as const;

function forestDefaults(maxFeatures: ForestParams['maxFeatures']): ForestParams {
  return {
    nEstimators: 100,
    bootstrap: true,
    maxDepth: null,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures,
    maxBins: 256,
    seed: 0,
  };
}

/** Random forest of Gini trees; probabilities are the mean of the trees' leaf distributions. */
export class RandomForestClassifier extends TreeEnsemble<ForestParams> implements Classifier<ForestParams> {
  readonly type = 'RandomForestClassifier';
  readonly kind = 'classifier';
  protected readonly classification = true;

  constructor(options: ForestOptions = {}) {
    super(resolveTreeOptions(options, forestDefaults('sqrt'), 'RandomForestClassifier', FOREST_KEYS));
  }

  get classes(): Float64Array {
    this.assertFitted('classes');
    return (this.classList as Float64Array).slice();
  }

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    this.fitTrees(X, y);
    return this;
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    return this.average(X, 'predictProba');
  }

  predict(X: DenseMatrix): Float64Array {
    return argmaxRows(this.average(X, 'predict'), this.classList as Float64Array);
  }

  static fromJSON(json: EstimatorJSON): RandomForestClassifier {
    return new RandomForestClassifier((json as EstimatorJSON<ForestParams>)?.params ?? {}).restore(json);
  }
}

/** Random forest of squared-error trees; the prediction is the mean of the trees. */
export class RandomForestRegressor extends TreeEnsemble<ForestParams> implements Regressor<ForestParams> {
  readonly type = 'RandomForestRegressor';
  readonly kind = 'regressor';
  protected readonly classification = false;

  constructor(options: ForestOptions = {}) {
    super(resolveTreeOptions(options, forestDefaults('all'), 'RandomForestRegressor', FOREST_KEYS));
  }

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    this.fitTrees(X, y);
    return this;
  }

  predict(X: DenseMatrix): Float64Array {
    return this.average(X, 'predict').data;
  }

  static fromJSON(json: EstimatorJSON): RandomForestRegressor {
    return new RandomForestRegressor((json as EstimatorJSON<ForestParams>)?.params ?? {}).restore(json);
  }
}
