import {
  assertDenseMatrix,
  createMatrix,
  type DenseMatrix,
  InvalidInputError,
  ShapeError,
} from '@toolbox/contracts';

/** `rows x cols` as used in every shape message. */
export function shapeOf(m: DenseMatrix): string {
  return `${m.rows}x${m.cols}`;
}

/**
 * Returns `out` checked to be `rows x cols`, or a fresh zeroed matrix when `out` is
 * undefined. `context` describes the operation for the error message.
 */
export function resultMatrix(
  out: DenseMatrix | undefined,
  rows: number,
  cols: number,
  context: string,
): DenseMatrix {
  if (out === undefined) return createMatrix(rows, cols);
  assertDenseMatrix(out, 'out');
  if (out.rows !== rows || out.cols !== cols) {
    throw new ShapeError(`out must be ${rows}x${cols} for ${context}, got ${shapeOf(out)}`, {
      details: { argument: 'out', expected: [rows, cols], actual: [out.rows, out.cols] },
    });
  }
  return out;
}

/** Throws `ShapeError` naming both matrices unless they have the same shape. */
export function assertSameShape(a: DenseMatrix, b: DenseMatrix, nameA: string, nameB: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`${nameA} (${shapeOf(a)}) and ${nameB} (${shapeOf(b)}) must have the same shape`, {
      details: { [nameA]: [a.rows, a.cols], [nameB]: [b.rows, b.cols] },
    });
  }
}

/** Throws `InvalidInputError` naming the matrix and the first non-finite entry. */
export function assertFinite(m: DenseMatrix, name: string): void {
  const { data, cols } = m;
  for (let k = 0; k < data.length; k++) {
    const value = data[k] as number;
    if (value - value !== 0) {
      const row = Math.floor(k / cols);
      throw new InvalidInputError(
        `${name}[${row}][${k - row * cols}] is ${value}; ${name} must contain only finite numbers`,
        { details: { argument: name, row, col: k - row * cols, value } },
      );
    }
  }
}

/** Throws `ShapeError` unless `m` is square. */
export function assertSquare(m: DenseMatrix, name: string): void {
  if (m.rows !== m.cols) {
    throw new ShapeError(`${name} must be square, got ${shapeOf(m)}`, {
      details: { argument: name, rows: m.rows, cols: m.cols },
    });
  }
}

/** Throws `InvalidInputError` unless `value` is a Float64Array (a vector argument). */
export function assertVector(value: unknown, name: string): Float64Array {
  if (!(value instanceof Float64Array)) {
    throw new InvalidInputError(`${name} must be a Float64Array`, { details: { argument: name } });
  }
  return value;
}

/** Throws `InvalidInputError` unless `value` is a finite number. */
export function assertFiniteNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidInputError(`${name} must be a finite number, got ${String(value)}`, {
      details: { argument: name, value },
    });
  }
  return value;
}

/** Throws `ShapeError` unless 0 <= rowStart <= rowEnd <= rows (integers). */
export function assertRowRange(rowStart: number, rowEnd: number, rows: number): void {
  if (
    !Number.isSafeInteger(rowStart) ||
    !Number.isSafeInteger(rowEnd) ||
    rowStart < 0 ||
    rowEnd > rows ||
    rowStart > rowEnd
  ) {
    throw new ShapeError(
      `rowStart..rowEnd must satisfy 0 <= rowStart <= rowEnd <= ${rows}, got ${rowStart}..${rowEnd}`,
      { details: { argument: 'rowStart', rowStart, rowEnd, rows } },
    );
  }
}

/** Throws `InvalidInputError` unless `value` is a boolean. */
export function assertBooleanOption(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidInputError(`${name} must be a boolean, got ${String(value)}`, {
      details: { argument: name },
    });
  }
  return value;
}

/** Throws `InvalidInputError` when `out` overlaps the memory of `a` or `b`. */
export function assertNoAlias(out: DenseMatrix, a: DenseMatrix, b: DenseMatrix): void {
  if (out.data.buffer === a.data.buffer || out.data.buffer === b.data.buffer) {
    const overlaps = (x: Float64Array) =>
      x.buffer === out.data.buffer &&
      x.byteOffset < out.data.byteOffset + out.data.byteLength &&
      out.data.byteOffset < x.byteOffset + x.byteLength;
    if (overlaps(a.data) || overlaps(b.data)) {
      throw new InvalidInputError('out must not share memory with a or b', { details: { argument: 'out' } });
    }
  }
}
