import type { DenseMatrix } from '@toolbox/contracts';
import {
  type NearestNeighboursResult,
  type NeighbourIndex,
  nearestNeighbours,
  prepareNeighbours,
} from '@toolbox/math';
import { checkJSON } from '../_json.js';
import {
  checkColumns,
  checkMatrix,
  checkTarget,
  encodeClasses,
  oneOf,
  positiveInteger,
} from '../_validate.js';
import { NotFittedError } from '../errors.js';
import type { Classifier, EstimatorJSON, Regressor } from '../estimator.js';

export interface KNNOptions {
  /** Neighbours consulted per query. Default 5. */
  k?: number;
  /** `'uniform'` (default): each neighbour counts once; `'distance'`: by 1/distance (exact matches win outright). */
  weights?: 'uniform' | 'distance';
}

export type KNNParams = Required<KNNOptions>;

interface KNNState {
  rows: number;
  cols: number;
  X: number[];
  y: number[];
  classes: number[] | null;
}

function resolve(options: KNNOptions): KNNParams {
  // Only the known options: JSON saved by earlier versions also carries `blockRows` (now unused).
  const params = { k: options.k ?? 5, weights: options.weights ?? 'uniform' };
  positiveInteger(params.k, 'options.k');
  oneOf(params.weights, ['uniform', 'distance'], 'options.weights');
  return params;
}

/**
 * Weights of the k neighbours of query row `row`: 1, or 1/distance with exact matches
 * taking all the weight.
 */
function neighbourWeights(
  { k, distances }: NearestNeighboursResult,
  row: number,
  mode: KNNParams['weights'],
  out: Float64Array,
): void {
  if (mode === 'uniform') {
    out.fill(1);
    return;
  }
  const at = row * k;
  let exact = false;
  for (let q = 0; q < k; q++) if (distances[at + q] === 0) exact = true;
  for (let q = 0; q < k; q++) {
    const d = distances[at + q] as number;
    out[q] = exact ? (d === 0 ? 1 : 0) : 1 / d;
  }
}

abstract class KNNBase {
  abstract readonly type: string;
  readonly params: Readonly<KNNParams>;
  protected train: DenseMatrix | undefined;
  protected targets: Float64Array = new Float64Array(0);
  /** The training rows prepared for search, on the first prediction. */
  private index: NeighbourIndex | undefined;

  constructor(options: KNNOptions) {
    this.params = Object.freeze(resolve(options));
  }

  get fitted(): boolean {
    return this.train !== undefined;
  }

  protected store(X: DenseMatrix, y: ArrayLike<number>): Float64Array {
    const matrix = checkMatrix(X, 'X');
    const target = checkTarget(y, matrix.rows, 'y');
    this.train = { rows: matrix.rows, cols: matrix.cols, data: matrix.data.slice() };
    this.index = undefined;
    this.targets = target;
    return target;
  }

  /**
   * The k nearest training rows of each row of X (exact Euclidean, nearest first, ties
   * to the lower index) on math's `nearestNeighbours`.
   */
  protected neighbours(X: DenseMatrix, method: string): NearestNeighboursResult & { rows: number } {
    if (this.train === undefined) throw new NotFittedError(this.type, method);
    const query = checkMatrix(X, 'X');
    checkColumns(query, this.train.cols, this.type);
    this.index ??= prepareNeighbours(this.train);
    return { rows: query.rows, ...nearestNeighbours(this.index, query, { k: this.params.k }) };
  }

  protected state(classes: Float64Array | undefined): KNNState | null {
    if (this.train === undefined) return null;
    return {
      rows: this.train.rows,
      cols: this.train.cols,
      X: Array.from(this.train.data),
      y: Array.from(this.targets),
      classes: classes === undefined ? null : Array.from(classes),
    };
  }

  protected restoreState(state: KNNState): void {
    this.train = { rows: state.rows, cols: state.cols, data: Float64Array.from(state.X) };
    this.index = undefined;
    this.targets = Float64Array.from(state.y);
  }
}

/** k-nearest-neighbours classifier (brute force, Euclidean). */
export class KNNClassifier extends KNNBase implements Classifier<KNNParams> {
  readonly type = 'KNNClassifier';
  readonly kind = 'classifier';
  private classList: Float64Array | undefined;
  private codes: Int32Array = new Int32Array(0);

  constructor(options: KNNOptions = {}) {
    super(options);
  }

  get classes(): Float64Array {
    if (this.classList === undefined) throw new NotFittedError(this.type, 'classes');
    return this.classList.slice();
  }

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    const target = this.store(X, y);
    const { classes, codes } = encodeClasses(target, 'y');
    this.classList = classes;
    this.codes = codes;
    return this;
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    const found = this.neighbours(X, 'predictProba');
    const { rows, k, indices } = found;
    const K = (this.classList as Float64Array).length;
    const out = new Float64Array(rows * K);
    const weights = new Float64Array(k);
    for (let row = 0; row < rows; row++) {
      neighbourWeights(found, row, this.params.weights, weights);
      let total = 0;
      for (let q = 0; q < k; q++) {
        const slot = row * K + (this.codes[indices[row * k + q] as number] as number);
        out[slot] = (out[slot] as number) + (weights[q] as number);
        total += weights[q] as number;
      }
      for (let c = 0; c < K; c++) out[row * K + c] = (out[row * K + c] as number) / total;
    }
    return { rows, cols: K, data: out };
  }

  predict(X: DenseMatrix): Float64Array {
    const proba = this.predictProba(X);
    const classes = this.classList as Float64Array;
    const out = new Float64Array(proba.rows);
    for (let i = 0; i < proba.rows; i++) {
      let best = 0;
      for (let c = 1; c < proba.cols; c++) {
        if ((proba.data[i * proba.cols + c] as number) > (proba.data[i * proba.cols + best] as number))
          best = c;
      }
      out[i] = classes[best] as number;
    }
    return out;
  }

  toJSON(): EstimatorJSON<KNNParams, KNNState> {
    return { type: this.type, version: 1, params: { ...this.params }, state: this.state(this.classList) };
  }

  static fromJSON(json: EstimatorJSON): KNNClassifier {
    const { params, state } = checkJSON<KNNParams, KNNState>(json, 'KNNClassifier');
    const model = new KNNClassifier(params);
    if (state !== null)
      model.fit({ rows: state.rows, cols: state.cols, data: Float64Array.from(state.X) }, state.y);
    return model;
  }
}

/** k-nearest-neighbours regressor: the (weighted) mean of the neighbours' targets. */
export class KNNRegressor extends KNNBase implements Regressor<KNNParams> {
  readonly type = 'KNNRegressor';
  readonly kind = 'regressor';

  constructor(options: KNNOptions = {}) {
    super(options);
  }

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    this.store(X, y);
    return this;
  }

  predict(X: DenseMatrix): Float64Array {
    const found = this.neighbours(X, 'predict');
    const { rows, k, indices } = found;
    const out = new Float64Array(rows);
    const weights = new Float64Array(k);
    for (let row = 0; row < rows; row++) {
      neighbourWeights(found, row, this.params.weights, weights);
      let sum = 0;
      let total = 0;
      for (let q = 0; q < k; q++) {
        sum += (weights[q] as number) * (this.targets[indices[row * k + q] as number] as number);
        total += weights[q] as number;
      }
      out[row] = sum / total;
    }
    return out;
  }

  toJSON(): EstimatorJSON<KNNParams, KNNState> {
    return { type: this.type, version: 1, params: { ...this.params }, state: this.state(undefined) };
  }

  static fromJSON(json: EstimatorJSON): KNNRegressor {
    const { params, state } = checkJSON<KNNParams, KNNState>(json, 'KNNRegressor');
    const model = new KNNRegressor(params);
    if (state !== null) model.restoreState(state);
    return model;
  }
}
