import { InvalidInputError, ShapeError } from './errors.js';

/**
 * A dense row-major matrix of float64: element (i, j) is `data[i * cols + j]`.
 * The exchange format between math, predictor, core and users.
 */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * Any matrix that exposes its shape and an element getter, such as ml-matrix's
 * `Matrix` (structural, so contracts does not depend on ml-matrix).
 */
export interface MatrixLike {
  readonly rows: number;
  readonly columns: number;
  get(row: number, column: number): number;
}

/** A matrix that can be written element by element, such as a fresh ml-matrix `Matrix`. */
export interface WritableMatrixLike extends MatrixLike {
  set(row: number, column: number, value: number): unknown;
}

/**
 * What to do with `NaN` and ±`Infinity` in input: keep them (`'allow'`, the default,
 * so missing values can reach an imputer) or throw (`'reject'`).
 */
export type NonFinitePolicy = 'allow' | 'reject';

export interface ConvertOptions {
  /** Default `'allow'`. */
  nonFinite?: NonFinitePolicy;
  /** Argument name used in error messages; default `'matrix'`. */
  name?: string;
}

function assertDimension(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(`${what} must be a non-negative integer, got ${String(value)}`, {
      details: { argument: what, value },
    });
  }
}

/**
 * Makes a `DenseMatrix`, zero-filled or over the given `data` (not copied).
 * Throws `ShapeError` when `data.length !== rows * cols`.
 */
export function createMatrix(rows: number, cols: number, data?: Float64Array): DenseMatrix {
  assertDimension(rows, 'rows');
  assertDimension(cols, 'cols');
  if (data === undefined) return { rows, cols, data: new Float64Array(rows * cols) };
  if (!(data instanceof Float64Array)) {
    throw new InvalidInputError('data must be a Float64Array', { details: { argument: 'data' } });
  }
  if (data.length !== rows * cols) {
    throw new ShapeError(
      `data has ${data.length} elements but a ${rows}x${cols} matrix needs ${rows * cols}`,
      { details: { argument: 'data', rows, cols, length: data.length } },
    );
  }
  return { rows, cols, data };
}

/** True for a well-formed `DenseMatrix` (shape and data length agree). */
export function isDenseMatrix(value: unknown): value is DenseMatrix {
  if (typeof value !== 'object' || value === null) return false;
  const { rows, cols, data } = value as Partial<DenseMatrix>;
  return (
    Number.isSafeInteger(rows) &&
    Number.isSafeInteger(cols) &&
    (rows as number) >= 0 &&
    (cols as number) >= 0 &&
    data instanceof Float64Array &&
    data.length === (rows as number) * (cols as number)
  );
}

/**
 * Checks that `value` is a well-formed `DenseMatrix` and returns it; throws
 * `InvalidInputError` / `ShapeError` naming `name` otherwise.
 */
export function assertDenseMatrix(value: unknown, name = 'matrix'): DenseMatrix {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidInputError(
      `${name} must be a DenseMatrix { rows, cols, data }, got ${describe(value)}`,
      {
        details: { argument: name },
      },
    );
  }
  const { rows, cols, data } = value as Partial<DenseMatrix>;
  if (
    !Number.isSafeInteger(rows) ||
    (rows as number) < 0 ||
    !Number.isSafeInteger(cols) ||
    (cols as number) < 0
  ) {
    throw new InvalidInputError(`${name}.rows and ${name}.cols must be non-negative integers`, {
      details: { argument: name, rows, cols },
    });
  }
  if (!(data instanceof Float64Array)) {
    throw new InvalidInputError(`${name}.data must be a Float64Array, got ${describe(data)}`, {
      details: { argument: name },
    });
  }
  if (data.length !== (rows as number) * (cols as number)) {
    throw new ShapeError(
      `${name}.data has ${data.length} elements but ${name} is ${rows}x${cols} (${(rows as number) * (cols as number)})`,
      { details: { argument: name, rows, cols, length: data.length } },
    );
  }
  return value as DenseMatrix;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}

function checkFinite(value: number, policy: NonFinitePolicy, name: string, i: number, j: number): void {
  if (policy === 'reject' && !Number.isFinite(value)) {
    throw new InvalidInputError(`${name}[${i}][${j}] is ${value}; non-finite values are rejected`, {
      details: { argument: name, row: i, col: j, value },
    });
  }
}

/**
 * Copies a `number[][]` (rows of equal length) into a `DenseMatrix`.
 * Ragged rows throw `ShapeError` naming the row; non-numbers throw `InvalidInputError`.
 */
export function fromArray(rows: readonly (readonly number[])[], options: ConvertOptions = {}): DenseMatrix {
  const name = options.name ?? 'matrix';
  const policy = options.nonFinite ?? 'allow';
  if (!Array.isArray(rows)) {
    throw new InvalidInputError(`${name} must be an array of rows, got ${describe(rows)}`, {
      details: { argument: name },
    });
  }
  const rowCount = rows.length;
  const first = rows[0];
  const cols = first === undefined ? 0 : first.length;
  const data = new Float64Array(rowCount * cols);
  for (let i = 0; i < rowCount; i++) {
    const row = rows[i];
    if (!Array.isArray(row)) {
      throw new InvalidInputError(`${name}[${i}] must be an array, got ${describe(row)}`, {
        details: { argument: name, row: i },
      });
    }
    if (row.length !== cols) {
      throw new ShapeError(`${name}[${i}] has ${row.length} columns but ${name}[0] has ${cols}`, {
        details: { argument: name, row: i, expected: cols, actual: row.length },
      });
    }
    for (let j = 0; j < cols; j++) {
      const value = row[j];
      if (typeof value !== 'number') {
        throw new InvalidInputError(`${name}[${i}][${j}] must be a number, got ${describe(value)}`, {
          details: { argument: name, row: i, col: j },
        });
      }
      checkFinite(value, policy, name, i, j);
      data[i * cols + j] = value;
    }
  }
  return { rows: rowCount, cols, data };
}

/** Copies a `DenseMatrix` into a fresh `number[][]`. */
export function toArray(matrix: DenseMatrix): number[][] {
  const { rows, cols, data } = assertDenseMatrix(matrix);
  const out: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = Array.from(data.subarray(i * cols, (i + 1) * cols));
  return out;
}

/** Copies any `{ rows, columns, get(i, j) }` matrix (e.g. ml-matrix) into a `DenseMatrix`. */
export function fromMatrixLike(matrix: MatrixLike, options: ConvertOptions = {}): DenseMatrix {
  const name = options.name ?? 'matrix';
  const policy = options.nonFinite ?? 'allow';
  if (typeof matrix !== 'object' || matrix === null || typeof matrix.get !== 'function') {
    throw new InvalidInputError(`${name} must have rows, columns and get(row, column)`, {
      details: { argument: name },
    });
  }
  const { rows, columns } = matrix;
  assertDimension(rows, `${name}.rows`);
  assertDimension(columns, `${name}.columns`);
  const data = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const value = matrix.get(i, j);
      checkFinite(value, policy, name, i, j);
      data[i * columns + j] = value;
    }
  }
  return { rows, cols: columns, data };
}

/**
 * Writes a `DenseMatrix` into a matrix made by `create(rows, cols)`, e.g.
 * `toMatrixLike(m, (r, c) => new Matrix(r, c))` for ml-matrix.
 */
export function toMatrixLike<T extends WritableMatrixLike>(
  matrix: DenseMatrix,
  create: (rows: number, cols: number) => T,
): T {
  const { rows, cols, data } = assertDenseMatrix(matrix);
  const out = create(rows, cols);
  if (out.rows !== rows || out.columns !== cols) {
    throw new ShapeError(`create(${rows}, ${cols}) returned a ${out.rows}x${out.columns} matrix`, {
      details: { argument: 'create', rows, cols },
    });
  }
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out.set(i, j, data[i * cols + j] as number);
  }
  return out;
}
