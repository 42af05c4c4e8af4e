import { assertDenseMatrix, type DenseMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import { assertVector } from './_check.js';

export interface VarianceOptions {
  /**
   * Delta degrees of freedom: the divisor is `rows - ddof`. Default 1 (the unbiased
   * sample variance); use 0 for the population variance.
   */
  ddof?: number;
  /** The column means when already computed (saves a pass over x); one per column. */
  means?: Float64Array;
}

/** Validates `options.ddof` against the row count; returns it. */
export function resolveDdof(options: VarianceOptions | undefined, rows: number): number {
  const ddof = options?.ddof ?? 1;
  if (!Number.isInteger(ddof) || ddof < 0) {
    throw new InvalidInputError(`options.ddof must be a non-negative integer, got ${String(ddof)}`, {
      details: { argument: 'options.ddof', value: ddof },
    });
  }
  if (rows - ddof <= 0) {
    throw new ShapeError(`x needs more than options.ddof (${ddof}) rows, got ${rows}`, {
      details: { argument: 'x', rows, ddof },
    });
  }
  return ddof;
}

function vectorOut(out: Float64Array | undefined, length: number): Float64Array {
  if (out === undefined) return new Float64Array(length);
  assertVector(out, 'out');
  if (out.length !== length) {
    throw new ShapeError(`out must have ${length} elements (one per column of x), got ${out.length}`, {
      details: { argument: 'out', expected: length, actual: out.length },
    });
  }
  return out;
}

/** Mean of each column of `x` (NaN for a matrix with no rows). */
export function columnMeans(x: DenseMatrix, out?: Float64Array): Float64Array {
  assertDenseMatrix(x, 'x');
  const { rows, cols, data } = x;
  const means = vectorOut(out, cols);
  means.fill(0);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) means[j] = (means[j] as number) + (data[row + j] as number);
  }
  for (let j = 0; j < cols; j++) means[j] = (means[j] as number) / rows;
  return means;
}

function checkedMeans(means: Float64Array, cols: number): Float64Array {
  assertVector(means, 'options.means');
  if (means.length !== cols) {
    throw new ShapeError(
      `options.means must have ${cols} elements (one per column of x), got ${means.length}`,
      {
        details: { argument: 'options.means', expected: cols, actual: means.length },
      },
    );
  }
  return means;
}

/** Variance of each column of `x` (two-pass, so no cancellation); divisor `rows - ddof`. */
export function columnVariances(x: DenseMatrix, options?: VarianceOptions, out?: Float64Array): Float64Array {
  assertDenseMatrix(x, 'x');
  const ddof = resolveDdof(options, x.rows);
  const { rows, cols, data } = x;
  const means = options?.means === undefined ? columnMeans(x) : checkedMeans(options.means, cols);
  const variances = vectorOut(out, cols);
  variances.fill(0);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      const d = (data[row + j] as number) - (means[j] as number);
      variances[j] = (variances[j] as number) + d * d;
    }
  }
  for (let j = 0; j < cols; j++) variances[j] = (variances[j] as number) / (rows - ddof);
  return variances;
}

/** Standard deviation of each column of `x`; divisor `rows - ddof` (default 1). */
export function columnStd(x: DenseMatrix, options?: VarianceOptions, out?: Float64Array): Float64Array {
  const result = columnVariances(x, options, out);
  for (let j = 0; j < result.length; j++) result[j] = Math.sqrt(result[j] as number);
  return result;
}
