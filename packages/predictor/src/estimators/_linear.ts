import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { columnMeans } from '@toolbox/math';
import { checkJSON } from '../_json.js';
import { checkColumns, checkMatrix, checkTarget } from '../_validate.js';
import { NotFittedError } from '../errors.js';
import type { EstimatorJSON, Regressor } from '../estimator.js';

export interface LinearState {
  coef: number[];
  intercept: number;
}

/** X and y centred on their means (the intercept is then ȳ − x̄·w). */
export function centre(X: DenseMatrix, y: Float64Array, fitIntercept: boolean) {
  const { rows, cols, data } = X;
  if (!fitIntercept) return { Xc: X, yc: y, xMean: new Float64Array(cols), yMean: 0 };
  const xMean = columnMeans(X);
  let yMean = 0;
  for (let i = 0; i < rows; i++) yMean += y[i] as number;
  yMean /= rows;
  const centred = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++)
      centred[i * cols + j] = (data[i * cols + j] as number) - (xMean[j] as number);
  }
  const yc = y.map((v) => v - yMean);
  return { Xc: { rows, cols, data: centred }, yc, xMean, yMean };
}

export function booleanOption(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidInputError(`${name} must be a boolean, got ${String(value)}`, {
      details: { argument: name },
    });
  }
  return value;
}

/** Shared body of the least-squares regressors: y ≈ X·coef + intercept. */
export abstract class LinearModel<P> implements Regressor<P> {
  abstract readonly type: string;
  readonly kind = 'regressor';
  readonly params: Readonly<P>;
  protected weights: Float64Array | undefined;
  protected bias = 0;

  constructor(params: P) {
    this.params = Object.freeze(params);
  }

  get fitted(): boolean {
    return this.weights !== undefined;
  }

  get coef(): Float64Array {
    if (this.weights === undefined) throw new NotFittedError(this.type, 'coef');
    return this.weights.slice();
  }

  get intercept(): number {
    if (this.weights === undefined) throw new NotFittedError(this.type, 'intercept');
    return this.bias;
  }

  protected abstract solve(Xc: DenseMatrix, yc: Float64Array): Float64Array;
  protected abstract readonly fitIntercept: boolean;

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    const matrix = checkMatrix(X, 'X');
    const target = checkTarget(y, matrix.rows, 'y');
    const { Xc, yc, xMean, yMean } = centre(matrix, target, this.fitIntercept);
    const coef = this.solve(Xc, yc);
    let bias = yMean;
    for (let j = 0; j < coef.length; j++) bias -= (xMean[j] as number) * (coef[j] as number);
    this.weights = coef;
    this.bias = bias;
    return this;
  }

  predict(X: DenseMatrix): Float64Array {
    const coef = this.weights;
    if (coef === undefined) throw new NotFittedError(this.type, 'predict');
    const matrix = checkMatrix(X, 'X');
    checkColumns(matrix, coef.length, this.type);
    const { rows, cols, data } = matrix;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let sum = this.bias;
      for (let j = 0; j < cols; j++) sum += (data[i * cols + j] as number) * (coef[j] as number);
      out[i] = sum;
    }
    return out;
  }

  toJSON(): EstimatorJSON<P, LinearState> {
    return {
      type: this.type,
      version: 1,
      params: { ...this.params },
      state: this.weights === undefined ? null : { coef: Array.from(this.weights), intercept: this.bias },
    };
  }

  protected restore(json: unknown): this {
    const { state } = checkJSON<P, LinearState>(json, this.type);
    if (state !== null) {
      this.weights = Float64Array.from(state.coef);
      this.bias = state.intercept;
    }
    return this;
  }
}
