import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { checkJSON } from '../_json.js';
import { checkColumns, checkMatrix } from '../_validate.js';
import { NotFittedError } from '../errors.js';
import type { EstimatorJSON } from '../estimator.js';

/**
 * Shared plumbing of the column-wise transformers: input checks, the fitted flag,
 * `fitTransform`, and JSON with a type-specific state.
 */
export abstract class ColumnTransformer<P, S> {
  abstract readonly type: string;
  readonly kind = 'transformer';
  readonly params: Readonly<P>;
  protected state: S | undefined;
  protected nFeatures = 0;
  /** Whether `fit` and `transform` accept NaN (only the imputer does). */
  protected readonly acceptsNaN: boolean = false;

  constructor(params: P) {
    this.params = Object.freeze(params);
  }

  get fitted(): boolean {
    return this.state !== undefined;
  }

  protected abstract learn(X: DenseMatrix, y: Float64Array | undefined): S;
  protected abstract apply(X: DenseMatrix, state: S): DenseMatrix;

  fit(X: DenseMatrix, y?: ArrayLike<number>): this {
    this.learnFrom(checkMatrix(X, 'X', this.acceptsNaN), y);
    return this;
  }

  private learnFrom(matrix: DenseMatrix, y: ArrayLike<number> | undefined): S {
    const state = this.learn(matrix, y === undefined ? undefined : Float64Array.from(y));
    this.state = state;
    this.nFeatures = matrix.cols;
    return state;
  }

  transform(X: DenseMatrix): DenseMatrix {
    const state = this.fittedState('transform');
    const matrix = checkMatrix(X, 'X', this.acceptsNaN);
    checkColumns(matrix, this.nFeatures, this.type);
    return this.apply(matrix, state);
  }

  protected fittedState(method: string): S {
    if (this.state === undefined) throw new NotFittedError(this.type, method);
    return this.state;
  }

  /** `fit(X, y)` then `transform(X)`, checking X once. */
  fitTransform(X: DenseMatrix, y?: ArrayLike<number>): DenseMatrix {
    const matrix = checkMatrix(X, 'X', this.acceptsNaN);
    return this.apply(matrix, this.learnFrom(matrix, y));
  }

  protected abstract encodeState(state: S): unknown;
  protected abstract decodeState(json: unknown): S;

  toJSON(): EstimatorJSON<P> {
    return {
      type: this.type,
      version: 1,
      params: { ...this.params },
      state:
        this.state === undefined ? null : { nFeatures: this.nFeatures, values: this.encodeState(this.state) },
    };
  }

  protected restore(json: unknown): this {
    const { state } = checkJSON<P, { nFeatures: number; values: unknown }>(json, this.type);
    if (state !== null) {
      this.nFeatures = state.nFeatures;
      this.state = this.decodeState(state.values);
    }
    return this;
  }
}

/** Columns selected by `columns` (all when null), checked against the column count. */
export function selectedColumns(columns: readonly number[] | null, cols: number, owner: string): number[] {
  if (columns === null) return Array.from({ length: cols }, (_, j) => j);
  for (const j of columns) {
    if (!Number.isSafeInteger(j) || j < 0 || j >= cols) {
      throw new InvalidInputError(`${owner} options.columns has ${j}, but X has ${cols} columns`, {
        details: { argument: 'options.columns', value: j, cols },
      });
    }
  }
  return [...columns];
}

/** Validates an optional `columns` option: null, or an array of distinct non-negative integers. */
export function columnsOption(value: unknown, owner: string): number[] | null {
  if (value === null || value === undefined) return null;
  if (
    !Array.isArray(value) ||
    value.some((j) => !Number.isSafeInteger(j) || j < 0) ||
    new Set(value).size !== value.length
  ) {
    throw new InvalidInputError(`${owner} options.columns must be an array of distinct column indices`, {
      details: { argument: 'options.columns', value },
    });
  }
  return [...value];
}
