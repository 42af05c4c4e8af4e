import type { DenseMatrix } from '@toolbox/contracts';
import type { Classifier, EstimatorJSON, Regressor } from '../estimator.js';
import {
  argmaxRows,
  type ForestParams,
  resolveTreeOptions,
  TreeEnsemble,
  type TreeOptions,
  type TreeParams,
} from './_forest.js';

const TREE_KEYS = [
  'maxDepth',
  'minSamplesSplit',
  'minSamplesLeaf',
  'maxFeatures',
  'maxBins',
  'seed',
] as const;

function treeDefaults(): ForestParams {
  return {
    maxDepth: null,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures: 'all',
    maxBins: 256,
    seed: 0,
    nEstimators: 1,
    bootstrap: false,
  };
}

/** CART classification tree (Gini impurity, histogram splits). */
export class DecisionTreeClassifier extends TreeEnsemble<TreeParams> implements Classifier<TreeParams> {
  readonly type = 'DecisionTreeClassifier';
  readonly kind = 'classifier';
  protected readonly classification = true;

  constructor(options: TreeOptions = {}) {
    super(resolveTreeOptions(options, treeDefaults(), 'DecisionTreeClassifier', TREE_KEYS));
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

  static fromJSON(json: EstimatorJSON): DecisionTreeClassifier {
    return new DecisionTreeClassifier((json as EstimatorJSON<TreeParams>)?.params ?? {}).restore(json);
  }
}

/** CART regression tree (squared error, histogram splits). */
export class DecisionTreeRegressor extends TreeEnsemble<TreeParams> implements Regressor<TreeParams> {
  readonly type = 'DecisionTreeRegressor';
  readonly kind = 'regressor';
  protected readonly classification = false;

  constructor(options: TreeOptions = {}) {
    super(resolveTreeOptions(options, treeDefaults(), 'DecisionTreeRegressor', TREE_KEYS));
  }

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    this.fitTrees(X, y);
    return this;
  }

  predict(X: DenseMatrix): Float64Array {
    return this.average(X, 'predict').data;
  }

  static fromJSON(json: EstimatorJSON): DecisionTreeRegressor {
    return new DecisionTreeRegressor((json as EstimatorJSON<TreeParams>)?.params ?? {}).restore(json);
  }
}
