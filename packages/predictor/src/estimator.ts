import type { DenseMatrix } from '@toolbox/contracts';

/**
 * The serialised form of every estimator and transformer: plain JSON (numbers,
 * strings, arrays, objects), exact on a round trip through `JSON.stringify`.
 */
export interface EstimatorJSON<P = unknown, S = unknown> {
  /** Registered class name, e.g. `'RandomForestClassifier'`. */
  type: string;
  /** Format version of `state` for this type. */
  version: 1;
  params: P;
  /** Fitted state, or `null` for an unfitted estimator. */
  state: S | null;
}

/** A model: fit on `X` (rows are samples) and targets `y`, then predict. */
export interface Estimator<P = unknown> {
  /** Registered class name, the `type` of its JSON. */
  readonly type: string;
  readonly kind: 'classifier' | 'regressor';
  readonly params: Readonly<P>;
  readonly fitted: boolean;
  fit(X: DenseMatrix, y: ArrayLike<number>): this;
  predict(X: DenseMatrix): Float64Array;
  toJSON(): EstimatorJSON<P>;
}

/** A model of discrete labels. `predictProba` columns follow `classes` (sorted). */
export interface Classifier<P = unknown> extends Estimator<P> {
  readonly kind: 'classifier';
  readonly classes: Float64Array;
  predictProba(X: DenseMatrix): DenseMatrix;
}

export interface Regressor<P = unknown> extends Estimator<P> {
  readonly kind: 'regressor';
}

/** A feature transform (scaler, encoder, imputer). `y` is ignored where it does not apply. */
export interface Transformer<P = unknown> {
  readonly type: string;
  readonly kind: 'transformer';
  readonly params: Readonly<P>;
  readonly fitted: boolean;
  fit(X: DenseMatrix, y?: ArrayLike<number>): this;
  transform(X: DenseMatrix): DenseMatrix;
  fitTransform(X: DenseMatrix, y?: ArrayLike<number>): DenseMatrix;
  toJSON(): EstimatorJSON<P>;
}

/**
 * An estimator named as data, so it can be sent to a worker thread and rebuilt
 * there: `{ estimator: 'RandomForestClassifier', params: { nEstimators: 100 } }`.
 */
export interface EstimatorSpec {
  /** A class name from the estimator registry. */
  estimator: string;
  /** Constructor options, plain JSON. */
  params?: Record<string, unknown>;
}

/** Anything that can be a step of a `Pipeline` or come out of the registry. */
export type AnyModel = Estimator | Classifier | Regressor | Transformer;
