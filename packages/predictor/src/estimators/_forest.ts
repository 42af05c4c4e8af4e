import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { checkJSON } from '../_json.js';
import { createRandom } from '../_random.js';
import {
  checkColumns,
  checkMatrix,
  checkTarget,
  encodeClasses,
  oneOf,
  positiveInteger,
  seedOption,
} from '../_validate.js';
import { NotFittedError } from '../errors.js';
import type { EstimatorJSON } from '../estimator.js';
import { binFeatures } from './_binning.js';
import {
  accumulateTree,
  growTree,
  type TreeArrays,
  type TreeJSON,
  treeFromJSON,
  treeToJSON,
} from './_tree.js';

/** `'sqrt'`/`'log2'` of the feature count, `'all'`, a fraction in (0, 1), or a count ≥ 1. */
export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

export interface TreeOptions {
  /** Deepest level a node may reach; `null` (default) grows until leaves are pure. */
  maxDepth?: number | null;
  /** Fewest samples a node needs to be split. Default 2. */
  minSamplesSplit?: number;
  /** Fewest samples in each child of a split. Default 1. */
  minSamplesLeaf?: number;
  /** Features tried per split. Default `'all'` for trees and forest regressors, `'sqrt'` for forest classifiers. */
  maxFeatures?: MaxFeatures;
  /** Histogram bins per feature, 2–256. Columns with fewer distinct values split exactly. Default 256. */
  maxBins?: number;
  /** Seed for feature draws (and bootstrap samples in forests). Default 0. */
  seed?: number;
}

export interface ForestOptions extends TreeOptions {
  /** Number of trees. Default 100. */
  nEstimators?: number;
  /** Grow each tree on a bootstrap sample of the rows. Default true. */
  bootstrap?: boolean;
}

export type TreeParams = Required<TreeOptions>;
export type ForestParams = Required<ForestOptions>;

interface ForestState {
  nFeatures: number;
  classes: number[] | null;
  featureImportances: number[];
  trees: TreeJSON[];
}

function resolveParams(options: ForestOptions, defaults: ForestParams, owner: string): ForestParams {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidInputError(`${owner} options must be an object`, { details: { argument: 'options' } });
  }
  const params = { ...defaults, ...options };
  if (params.maxDepth !== null) positiveInteger(params.maxDepth, 'options.maxDepth');
  positiveInteger(params.minSamplesSplit, 'options.minSamplesSplit');
  positiveInteger(params.minSamplesLeaf, 'options.minSamplesLeaf');
  positiveInteger(params.nEstimators, 'options.nEstimators');
  seedOption(params.seed, 'options.seed');
  if (!Number.isSafeInteger(params.maxBins) || params.maxBins < 2 || params.maxBins > 256) {
    throw new InvalidInputError(
      `options.maxBins must be an integer in [2, 256], got ${String(params.maxBins)}`,
      {
        details: { argument: 'options.maxBins', value: params.maxBins },
      },
    );
  }
  if (typeof params.bootstrap !== 'boolean') {
    throw new InvalidInputError(`options.bootstrap must be a boolean, got ${String(params.bootstrap)}`, {
      details: { argument: 'options.bootstrap' },
    });
  }
  const mf = params.maxFeatures;
  if (typeof mf === 'number') {
    if (!(mf > 0) || (mf > 1 && !Number.isSafeInteger(mf))) {
      throw new InvalidInputError(
        `options.maxFeatures must be a fraction in (0, 1) or an integer count >= 1, got ${mf}`,
        { details: { argument: 'options.maxFeatures', value: mf } },
      );
    }
  } else oneOf(mf, ['sqrt', 'log2', 'all'], 'options.maxFeatures');
  return params;
}

/** Validates `options` against `keys` (rejecting unknown ones) and fills in `defaults`. */
export function resolveTreeOptions<T extends TreeParams>(
  options: ForestOptions,
  defaults: ForestParams,
  owner: string,
  keys: readonly (keyof ForestParams)[],
): T {
  const unknown = Object.keys(options ?? {}).filter((key) => !keys.includes(key as keyof ForestParams));
  if (unknown.length > 0) {
    throw new InvalidInputError(`${owner} has no option '${unknown[0]}'`, {
      details: { argument: `options.${unknown[0]}` },
    });
  }
  const full = resolveParams(options, defaults, owner);
  return Object.fromEntries(keys.map((key) => [key, full[key]])) as unknown as T;
}

function featureCount(maxFeatures: MaxFeatures, cols: number): number {
  let count: number;
  if (maxFeatures === 'all') count = cols;
  else if (maxFeatures === 'sqrt') count = Math.floor(Math.sqrt(cols));
  else if (maxFeatures === 'log2') count = Math.floor(Math.log2(cols));
  else if (maxFeatures < 1) count = Math.floor(maxFeatures * cols);
  else count = maxFeatures;
  return Math.min(cols, Math.max(1, count));
}

/**
 * The shared body of decision trees and random forests (a tree is a forest of one
 * tree grown on every row). Subclasses fix the name, the task and the defaults.
 */
export abstract class TreeEnsemble<P extends TreeParams> {
  abstract readonly type: string;
  readonly params: Readonly<P>;
  protected trees: TreeArrays[] = [];
  protected nFeatures = 0;
  protected classList: Float64Array | undefined;
  protected importances = new Float64Array(0);

  constructor(params: P) {
    this.params = Object.freeze(params);
  }

  get fitted(): boolean {
    return this.trees.length > 0;
  }

  /** Mean decrease in impurity per feature, summing to 1 (all zeros for a single-leaf model). */
  get featureImportances(): Float64Array {
    this.assertFitted('featureImportances');
    return this.importances.slice();
  }

  protected abstract readonly classification: boolean;

  protected fitTrees(X: DenseMatrix, y: ArrayLike<number>): void {
    const matrix = checkMatrix(X, 'X');
    const target = checkTarget(y, matrix.rows, 'y');
    const params = this.params as unknown as ForestParams;
    const nEstimators = params.nEstimators ?? 1;
    const bootstrap = params.bootstrap ?? false;
    let classCodes: Int32Array | undefined;
    if (this.classification) {
      const encoded = encodeClasses(target, 'y');
      this.classList = encoded.classes;
      classCodes = encoded.codes;
    }
    const binned = binFeatures(matrix, params.maxBins);
    const random = createRandom(params.seed);
    const importances = new Float64Array(matrix.cols);
    const treeImportances = new Float64Array(matrix.cols);
    const trees: TreeArrays[] = [];
    const n = matrix.rows;
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const weights = new Int32Array(n);
    for (let t = 0; t < nEstimators; t++) {
      const treeRandom = createRandom(random.fork());
      // A bootstrap sample as distinct rows with multiplicities: the same tree as
      // growing on the repeated rows, with about 37% fewer rows to visit.
      let samples = all;
      if (bootstrap) {
        weights.fill(0);
        for (let i = 0; i < n; i++) {
          const row = treeRandom.int(n);
          weights[row] = (weights[row] as number) + 1;
        }
        let distinct = 0;
        for (let i = 0; i < n; i++) if ((weights[i] as number) > 0) distinct++;
        samples = new Int32Array(distinct);
        distinct = 0;
        for (let i = 0; i < n; i++) if ((weights[i] as number) > 0) samples[distinct++] = i;
      } else {
        samples = all.slice();
        weights.fill(1);
      }
      treeImportances.fill(0);
      trees.push(
        growTree({
          binned,
          classCodes,
          classCount: this.classList?.length,
          targets: this.classification ? undefined : target,
          samples,
          weights,
          maxDepth: params.maxDepth ?? Number.POSITIVE_INFINITY,
          minSamplesSplit: params.minSamplesSplit,
          minSamplesLeaf: params.minSamplesLeaf,
          maxFeatures: featureCount(params.maxFeatures, matrix.cols),
          random: treeRandom,
          importances: treeImportances,
        }),
      );
      // Normalise per tree, then average (scikit-learn's convention).
      let total = 0;
      for (const v of treeImportances) total += v;
      if (total > 0)
        for (let j = 0; j < matrix.cols; j++)
          importances[j] = (importances[j] as number) + (treeImportances[j] as number) / total;
    }
    let total = 0;
    for (const v of importances) total += v;
    if (total > 0) for (let j = 0; j < matrix.cols; j++) importances[j] = (importances[j] as number) / total;
    this.trees = trees;
    this.nFeatures = matrix.cols;
    this.importances = importances;
  }

  /** Mean of the trees' outputs: class probabilities or the regression value. */
  protected average(X: DenseMatrix, method: string): DenseMatrix {
    this.assertFitted(method);
    const matrix = checkMatrix(X, 'X');
    checkColumns(matrix, this.nFeatures, this.type);
    const outputs = (this.trees[0] as TreeArrays).outputs;
    const out = new Float64Array(matrix.rows * outputs);
    const weight = 1 / this.trees.length;
    for (const tree of this.trees) accumulateTree(tree, matrix, out, weight);
    return { rows: matrix.rows, cols: outputs, data: out };
  }

  protected assertFitted(method: string): void {
    if (!this.fitted) throw new NotFittedError(this.type, method);
  }

  toJSON(): EstimatorJSON<P, ForestState> {
    return {
      type: this.type,
      version: 1,
      params: { ...this.params },
      state: this.fitted
        ? {
            nFeatures: this.nFeatures,
            classes: this.classList === undefined ? null : Array.from(this.classList),
            featureImportances: Array.from(this.importances),
            trees: this.trees.map(treeToJSON),
          }
        : null,
    };
  }

  protected restore(json: unknown): this {
    const { state } = checkJSON<P, ForestState>(json, this.type);
    if (state !== null) {
      this.nFeatures = state.nFeatures;
      this.classList = state.classes === null ? undefined : Float64Array.from(state.classes);
      this.importances = Float64Array.from(state.featureImportances);
      this.trees = state.trees.map(treeFromJSON);
    }
    return this;
  }
}

/** Index of the largest value per row; ties go to the first (lowest class). */
export function argmaxRows(matrix: DenseMatrix, labels: Float64Array): Float64Array {
  const { rows, cols, data } = matrix;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestValue = data[i * cols] as number;
    for (let k = 1; k < cols; k++) {
      const v = data[i * cols + k] as number;
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    out[i] = labels[best] as number;
  }
  return out;
}
