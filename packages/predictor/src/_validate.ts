import { assertDenseMatrix, type DenseMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';

/** Checks a feature matrix: well-formed, at least one row, and (unless `allowNaN`) finite. */
export function checkMatrix(value: unknown, name = 'X', allowNaN = false): DenseMatrix {
  const matrix = assertDenseMatrix(value, name);
  if (matrix.rows === 0) {
    throw new InvalidInputError(`${name} must have at least one row`, { details: { argument: name } });
  }
  if (!allowNaN) {
    const { data, cols } = matrix;
    for (let k = 0; k < data.length; k++) {
      const v = data[k] as number;
      if (v - v !== 0) {
        const row = Math.floor(k / cols);
        const col = k % cols;
        const hint = Number.isNaN(v) ? '; impute missing values first (SimpleImputer)' : '';
        throw new InvalidInputError(`${name}[${row}][${col}] is ${v}: values must be finite${hint}`, {
          details: { argument: name, row, col, value: v },
        });
      }
    }
  }
  return matrix;
}

/** Checks a target vector against `rows` and copies it into a Float64Array. */
export function checkTarget(value: unknown, rows: number, name = 'y'): Float64Array {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as ArrayLike<number>).length !== 'number'
  ) {
    throw new InvalidInputError(`${name} must be an array or typed array of numbers`, {
      details: { argument: name },
    });
  }
  const source = value as ArrayLike<unknown>;
  if (source.length !== rows) {
    throw new ShapeError(`X has ${rows} rows but ${name} has ${source.length} values`, {
      details: { argument: name, rows, length: source.length },
    });
  }
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = source[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidInputError(`${name}[${i}] must be a finite number, got ${String(v)}`, {
        details: { argument: name, index: i },
      });
    }
    out[i] = v;
  }
  return out;
}

/** Throws `ShapeError` when `X` does not have the column count the estimator was fitted on. */
export function checkColumns(matrix: DenseMatrix, expected: number, estimator: string, name = 'X'): void {
  if (matrix.cols !== expected) {
    throw new ShapeError(`${name} has ${matrix.cols} columns but ${estimator} was fitted on ${expected}`, {
      details: { argument: name, expected, actual: matrix.cols },
    });
  }
}

/** Sorted distinct labels and each sample's index into them; at least two classes. */
export function encodeClasses(y: Float64Array, name = 'y'): { classes: Float64Array; codes: Int32Array } {
  const classes = Float64Array.from(new Set(y)).sort();
  if (classes.length < 2) {
    throw new InvalidInputError(
      `${name} has a single class (${classes[0]}); a classifier needs at least 2 classes`,
      { details: { argument: name, classes: Array.from(classes) } },
    );
  }
  const lookup = new Map<number, number>();
  for (let k = 0; k < classes.length; k++) lookup.set(classes[k] as number, k);
  const codes = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) codes[i] = lookup.get(y[i] as number) as number;
  return { classes, codes };
}

export function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidInputError(`${name} must be a positive integer, got ${String(value)}`, {
      details: { argument: name, value },
    });
  }
  return value;
}

export function nonNegativeNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(`${name} must be a finite number >= 0, got ${String(value)}`, {
      details: { argument: name, value },
    });
  }
  return value;
}

export function positiveNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidInputError(`${name} must be a finite number > 0, got ${String(value)}`, {
      details: { argument: name, value },
    });
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T)) {
    throw new InvalidInputError(
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`,
      { details: { argument: name, value } },
    );
  }
  return value as T;
}

/** A seed: any 32-bit unsigned integer. */
export function seedOption(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidInputError(`${name} must be an integer in [0, 2^32), got ${String(value)}`, {
      details: { argument: name, value },
    });
  }
  return value;
}

/** The rows of `matrix` at `indices`, as a new matrix. */
export function takeRows(matrix: DenseMatrix, indices: ArrayLike<number>): DenseMatrix {
  const { cols, data } = matrix;
  const out = new Float64Array(indices.length * cols);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number;
    out.set(data.subarray(r * cols, r * cols + cols), i * cols);
  }
  return { rows: indices.length, cols, data: out };
}

export function takeValues(values: Float64Array, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i] as number] as number;
  return out;
}
