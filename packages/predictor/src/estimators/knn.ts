import { createMatrix, type DenseMatrix } from '@toolbox/contracts';
import { matmulTransposeB, prepareMatmul } from '@toolbox/math';
import { checkJSON } from '../_json.js';
import { insertNearest } from '../_nearest.js';
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
  /** Query rows per distance block, bounding scratch memory to `blockRows × training rows` doubles. Default 256. */
  blockRows?: number;
}

export type KNNParams = Required<KNNOptions>;

interface KNNState {
  rows: number;
  cols: number;
  X: number[];
  y: number[];
  classes: number[] | null;
}

/** Squared Euclidean norm of each row. */
function rowNorms(m: DenseMatrix): Float64Array {
  const norms = new Float64Array(m.rows);
  for (let i = 0, k = 0; i < m.rows; i++) {
    let sum = 0;
    for (const stop = k + m.cols; k < stop; k++) sum += (m.data[k] as number) * (m.data[k] as number);
    norms[i] = sum;
  }
  return norms;
}

/**
 * Calls `visit(row, neighbours, distances)` for every query row with the indices of
 * its k nearest training rows (nearest first; ties keep the lower index) and their
 * Euclidean distances. Per block of query rows one matrix product gives q·t for every
 * training row t (the training matrix packed once, `prepareMatmul`); rows are ranked by
 * ‖t‖² − 2·q·t, which orders them as ‖q − t‖² does, and only the k winners get their
 * distance √max(‖q‖² + ‖t‖² − 2·q·t, 0).
 */
function forEachNeighbourhood(
  train: DenseMatrix,
  query: DenseMatrix,
  k: number,
  blockRows: number,
  visit: (row: number, neighbours: Int32Array, distances: Float64Array) => void,
): void {
  const n = train.rows;
  const kk = Math.min(k, n);
  const neighbours = new Int32Array(kk);
  const distances = new Float64Array(kk);
  const prepared = prepareMatmul(train);
  const trainNorms = rowNorms(train);
  const queryNorms = rowNorms(query);
  const block = createMatrix(Math.min(blockRows, query.rows), n);
  for (let start = 0; start < query.rows; start += blockRows) {
    const rows = Math.min(blockRows, query.rows - start);
    const view = createMatrix(
      rows,
      query.cols,
      query.data.subarray(start * query.cols, (start + rows) * query.cols),
    );
    const out = rows === block.rows ? block : createMatrix(rows, n, block.data.subarray(0, rows * n));
    const dots = matmulTransposeB(view, prepared, out).data;
    for (let r = 0; r < rows; r++) {
      const base = r * n;
      // The first kk rows fill the list by insertion; after that a row enters only if it beats the worst.
      for (let j = 0; j < kk; j++) {
        insertNearest(
          distances,
          neighbours,
          j,
          (trainNorms[j] as number) - 2 * (dots[base + j] as number),
          j,
        );
      }
      let worst = distances[kk - 1] as number;
      for (let j = kk; j < n; j++) {
        const v = (trainNorms[j] as number) - 2 * (dots[base + j] as number);
        if (v < worst) {
          insertNearest(distances, neighbours, kk - 1, v, j);
          worst = distances[kk - 1] as number;
        }
      }
      const queryNorm = queryNorms[start + r] as number;
      for (let q = 0; q < kk; q++)
        distances[q] = Math.sqrt(Math.max(queryNorm + (distances[q] as number), 0));
      visit(start + r, neighbours, distances);
    }
  }
}

function resolve(options: KNNOptions): KNNParams {
  const params = { k: 5, weights: 'uniform' as const, blockRows: 256, ...options };
  positiveInteger(params.k, 'options.k');
  oneOf(params.weights, ['uniform', 'distance'], 'options.weights');
  positiveInteger(params.blockRows, 'options.blockRows');
  return params;
}

/** Neighbour weights: 1, or 1/distance with exact matches taking all the weight. */
function neighbourWeights(distances: Float64Array, mode: KNNParams['weights'], out: Float64Array): void {
  if (mode === 'uniform') {
    out.fill(1);
    return;
  }
  let exact = false;
  for (let q = 0; q < distances.length; q++) if (distances[q] === 0) exact = true;
  for (let q = 0; q < distances.length; q++) {
    const d = distances[q] as number;
    out[q] = exact ? (d === 0 ? 1 : 0) : 1 / d;
  }
}

abstract class KNNBase {
  abstract readonly type: string;
  readonly params: Readonly<KNNParams>;
  protected train: DenseMatrix | undefined;
  protected targets: Float64Array = new Float64Array(0);

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
    this.targets = target;
    return target;
  }

  protected query(X: DenseMatrix, method: string): { train: DenseMatrix; query: DenseMatrix } {
    if (this.train === undefined) throw new NotFittedError(this.type, method);
    const query = checkMatrix(X, 'X');
    checkColumns(query, this.train.cols, this.type);
    return { train: this.train, query };
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
    const { train, query } = this.query(X, 'predictProba');
    const K = (this.classList as Float64Array).length;
    const out = new Float64Array(query.rows * K);
    const weights = new Float64Array(Math.min(this.params.k, train.rows));
    forEachNeighbourhood(train, query, this.params.k, this.params.blockRows, (row, neighbours, distances) => {
      neighbourWeights(distances, this.params.weights, weights);
      let total = 0;
      for (let q = 0; q < neighbours.length; q++) {
        const slot = row * K + (this.codes[neighbours[q] as number] as number);
        out[slot] = (out[slot] as number) + (weights[q] as number);
        total += weights[q] as number;
      }
      for (let c = 0; c < K; c++) out[row * K + c] = (out[row * K + c] as number) / total;
    });
    return { rows: query.rows, cols: K, data: out };
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
    const { train, query } = this.query(X, 'predict');
    const out = new Float64Array(query.rows);
    const weights = new Float64Array(Math.min(this.params.k, train.rows));
    forEachNeighbourhood(train, query, this.params.k, this.params.blockRows, (row, neighbours, distances) => {
      neighbourWeights(distances, this.params.weights, weights);
      let sum = 0;
      let total = 0;
      for (let q = 0; q < neighbours.length; q++) {
        sum += (weights[q] as number) * (this.targets[neighbours[q] as number] as number);
        total += weights[q] as number;
      }
      out[row] = sum / total;
    });
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
