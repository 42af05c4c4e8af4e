import {
  assertDenseMatrix,
  createMatrix,
  type DenseMatrix,
  InvalidInputError,
  ShapeError,
} from '@toolbox/contracts';
import { assertFinite, shapeOf } from './_check.js';
import { applyQt, factorQr } from './_qr-core.js';
import { transpose } from './transpose.js';

export interface LeastSquaresOptions {
  /**
   * Relative rank cutoff: diagonal entries of the pivoted R below `rcond·|R₀₀|` count
   * as zero. Default `max(rows, cols)·2⁻⁵²`.
   */
  rcond?: number;
}

export interface LeastSquaresResult<T extends Float64Array | DenseMatrix> {
  /** The minimum-norm minimiser of ‖A·x − b‖₂ (a vector or n x k matrix, like `b`). */
  x: T;
  /** Numerical rank of `a` found by the pivoted QR. */
  rank: number;
}

/**
 * Least squares min ‖A·x − b‖₂ by Householder QR with column pivoting. Rank-deficient
 * (and underdetermined) problems get the minimum-norm solution, through a second QR of
 * the leading rows of R (a complete orthogonal decomposition). `b` is a vector of
 * length `a.rows` or an a.rows x k matrix.
 */
export function leastSquares(
  a: DenseMatrix,
  b: Float64Array,
  options?: LeastSquaresOptions,
): LeastSquaresResult<Float64Array>;
export function leastSquares(
  a: DenseMatrix,
  b: DenseMatrix,
  options?: LeastSquaresOptions,
): LeastSquaresResult<DenseMatrix>;
export function leastSquares(
  a: DenseMatrix,
  b: Float64Array | DenseMatrix,
  options: LeastSquaresOptions = {},
): LeastSquaresResult<Float64Array | DenseMatrix> {
  assertDenseMatrix(a, 'a');
  assertFinite(a, 'a');
  const isVector = b instanceof Float64Array;
  const rhs = isVector ? { rows: b.length, cols: 1, data: b } : assertDenseMatrix(b, 'b');
  assertFinite(rhs, 'b');
  const { rows: m, cols: n } = a;
  if (rhs.rows !== m) {
    throw new ShapeError(
      `b must have ${m} rows like a (${shapeOf(a)}), got ${isVector ? rhs.rows : shapeOf(rhs)}`,
      {
        details: { a: [m, n], b: [rhs.rows, rhs.cols] },
      },
    );
  }
  const rcond = options.rcond ?? Math.max(m, n) * 2 ** -52;
  if (typeof rcond !== 'number' || !(rcond >= 0 && rcond < 1)) {
    throw new InvalidInputError(`options.rcond must be a number in [0, 1), got ${String(rcond)}`, {
      details: { argument: 'options.rcond', value: rcond },
    });
  }
  const k = rhs.cols;
  const x = new Float64Array(n * k);
  const wrap = (rank: number) => ({ x: isVector ? x : createMatrix(n, k, x), rank });
  if (m === 0 || n === 0) return wrap(0);

  const f = factorQr(transpose(a).data, m, n, true);
  const { w, perm } = f;
  const p = Math.min(m, n);
  const r00 = Math.abs(w[0] as number);
  let rank = 0;
  while (rank < p && Math.abs(w[rank * m + rank] as number) > rcond * r00) rank++;
  if (rank === 0) return wrap(0);

  // c = (Qᵀ·b)[0..rank), one row per right-hand side.
  const bt = transpose(rhs).data;
  applyQt(f, bt, k);
  const y = new Float64Array(n * k); // solution in pivoted order, row per unknown

  if (rank === n) {
    // Back substitution with R (n x n upper): R[i][j] = w[j*m + i].
    for (let c = 0; c < k; c++) {
      for (let i = n - 1; i >= 0; i--) {
        let s = bt[c * m + i] as number;
        for (let j = i + 1; j < n; j++) s -= (w[j * m + i] as number) * (y[j * k + c] as number);
        y[i * k + c] = s / (w[i * m + i] as number);
      }
    }
  } else {
    // R₁ = R[0..rank) x n. Its transpose (n x rank) = Z·T, so R₁ = Tᵀ·Zᵀ and the
    // minimum-norm solution of R₁·y = c is y = Z·T⁻ᵀ·c.
    const r1t = new Float64Array(rank * n); // rows = columns of R₁ᵀ = rows of R₁
    for (let i = 0; i < rank; i++) {
      for (let j = i; j < n; j++) r1t[i * n + j] = w[j * m + i] as number;
    }
    const g = factorQr(r1t, n, rank, false);
    const tz = g.w; // T[i][j] = tz[j*n + i] for i <= j < rank
    const z = new Float64Array(n);
    for (let c = 0; c < k; c++) {
      // Forward substitution Tᵀ·u = c.
      z.fill(0);
      for (let i = 0; i < rank; i++) {
        let s = bt[c * m + i] as number;
        for (let j = 0; j < i; j++) s -= (tz[i * n + j] as number) * (z[j] as number);
        z[i] = s / (tz[i * n + i] as number);
      }
      // y = Z·[u; 0]: apply the reflectors of g backwards.
      for (let r = rank - 1; r >= 0; r--) {
        const t = g.tau[r] as number;
        if (t === 0) continue;
        let s = z[r] as number;
        for (let i = r + 1; i < n; i++) s += (tz[r * n + i] as number) * (z[i] as number);
        s *= t;
        z[r] = (z[r] as number) - s;
        for (let i = r + 1; i < n; i++) z[i] = (z[i] as number) - s * (tz[r * n + i] as number);
      }
      for (let i = 0; i < n; i++) y[i * k + c] = z[i] as number;
    }
  }
  for (let i = 0; i < n; i++) {
    const target = (perm[i] as number) * k;
    for (let c = 0; c < k; c++) x[target + c] = y[i * k + c] as number;
  }
  return wrap(rank);
}
