import { assertDenseMatrix, createMatrix, type DenseMatrix } from '@toolbox/contracts';
import { resultMatrix, shapeOf } from './_check.js';
import { columnMeans, resolveDdof, type VarianceOptions } from './column-stats.js';
import { gram } from './matmul.js';

function centeredGram(
  x: DenseMatrix,
  options: VarianceOptions | undefined,
  out: DenseMatrix | undefined,
): DenseMatrix {
  assertDenseMatrix(x, 'x');
  const ddof = resolveDdof(options, x.rows);
  const { rows, cols, data } = x;
  const result = resultMatrix(out, cols, cols, `the covariance of x (${shapeOf(x)})`);
  const means = columnMeans(x);
  const centered = createMatrix(rows, cols);
  const c = centered.data;
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) c[row + j] = (data[row + j] as number) - (means[j] as number);
  }
  gram(centered, result);
  const divisor = rows - ddof;
  const g = result.data;
  for (let k = 0; k < g.length; k++) g[k] = (g[k] as number) / divisor;
  return result;
}

/**
 * Sample covariance matrix of the columns of `x` (n x d → d x d), divisor
 * `rows - ddof` (default 1). Centers, then one Gram product.
 */
export function covariance(x: DenseMatrix, options?: VarianceOptions, out?: DenseMatrix): DenseMatrix {
  return centeredGram(x, options, out);
}

/**
 * Pearson correlation matrix of the columns of `x` (d x d), clamped to [-1, 1] with an
 * exact 1 on the diagonal. A constant column has no correlation: its whole row and
 * column (diagonal included) are NaN. A column counts as constant when its standard
 * deviation is below 1e-13 of its largest magnitude (rounding noise).
 */
export function correlation(x: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  const result = centeredGram(x, { ddof: 0 }, out);
  const d = result.rows;
  const g = result.data;
  const largest = new Float64Array(d);
  for (let k = 0; k < x.data.length; k++) {
    const j = k % d;
    largest[j] = Math.max(largest[j] as number, Math.abs(x.data[k] as number));
  }
  const inverseStd = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const std = Math.sqrt(g[j * d + j] as number);
    // A spread at rounding level of the values is a constant column, not a signal.
    inverseStd[j] = std > 1e-13 * (largest[j] as number) ? 1 / std : Number.NaN;
  }
  for (let i = 0; i < d; i++) {
    const si = inverseStd[i] as number;
    g[i * d + i] = Number.isNaN(si) ? Number.NaN : 1;
    for (let j = i + 1; j < d; j++) {
      const value = Math.max(-1, Math.min(1, (g[i * d + j] as number) * si * (inverseStd[j] as number)));
      g[i * d + j] = value;
      g[j * d + i] = value;
    }
  }
  return result;
}
