import { assertDenseMatrix, type DenseMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import { assertFinite, assertSquare, resultMatrix, shapeOf } from './_check.js';
import { gemm } from './_gemm.js';

/** Columns factored per block; the update of the rest is one matrix product. */
const BLOCK = 64;

function assertSymmetric(a: DenseMatrix, name: string): void {
  const { rows: n, data } = a;
  let largest = 0;
  for (let k = 0; k < data.length; k++) largest = Math.max(largest, Math.abs(data[k] as number));
  const tolerance = 1e-10 * largest;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs((data[i * n + j] as number) - (data[j * n + i] as number)) > tolerance) {
        throw new InvalidInputError(
          `${name} must be symmetric: ${name}[${i}][${j}] = ${data[i * n + j]} but ${name}[${j}][${i}] = ${data[j * n + i]}`,
          { details: { argument: name, row: i, col: j } },
        );
      }
    }
  }
}

/**
 * Cholesky factor L (lower triangular, A = L·Lᵀ) of a symmetric positive definite `a`.
 * Blocked: 64 columns at a time, the trailing update as one packed matrix product.
 * Throws `InvalidInputError` naming `a` when it is not symmetric (relative 1e-10), has
 * non-finite entries, or is not positive definite (naming the failing pivot).
 */
export function cholesky(a: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  assertDenseMatrix(a, 'a');
  assertSquare(a, 'a');
  assertFinite(a, 'a');
  assertSymmetric(a, 'a');
  const n = a.rows;
  const result = resultMatrix(out, n, n, `the Cholesky factor of a (${shapeOf(a)})`);
  if (result.data === a.data) {
    throw new InvalidInputError('out must not be a itself', { details: { argument: 'out' } });
  }
  const l = result.data;
  l.set(a.data);
  const scratch = new Float64Array(n > BLOCK ? (n - BLOCK) ** 2 : 0);
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(k0 + BLOCK, n);
    // Columns k0..k1 for every row below k0: the diagonal block and the panel under it.
    for (let i = k0; i < n; i++) {
      const ri = i * n;
      for (let j = k0; j < Math.min(i + 1, k1); j++) {
        const rj = j * n;
        let s0 = l[ri + j] as number;
        let s1 = 0;
        let p = k0;
        for (; p + 1 < j; p += 2) {
          s0 -= (l[ri + p] as number) * (l[rj + p] as number);
          s1 -= (l[ri + p + 1] as number) * (l[rj + p + 1] as number);
        }
        if (p < j) s0 -= (l[ri + p] as number) * (l[rj + p] as number);
        const s = s0 + s1;
        if (i === j) {
          if (!(s > 0)) {
            throw new InvalidInputError(
              `a is not positive definite: pivot ${i} is ${s} (the leading ${i + 1}x${i + 1} minor is not positive)`,
              { details: { argument: 'a', pivot: i, value: s } },
            );
          }
          l[ri + i] = Math.sqrt(s);
        } else {
          l[ri + j] = s / (l[rj + j] as number);
        }
      }
    }
    // Trailing update A22 −= L21·L21ᵀ as one matrix product (lower triangle kept).
    const rest = n - k1;
    if (rest === 0) continue;
    const panel = l.subarray(k1 * n + k0);
    gemm(
      rest,
      k1 - k0,
      { data: panel, rowStride: n, colStride: 1 },
      { data: panel, rowStride: 1, colStride: n },
      scratch,
      rest,
      0,
      rest,
    );
    for (let i = 0; i < rest; i++) {
      const row = (k1 + i) * n + k1;
      for (let j = 0; j <= i; j++) l[row + j] = (l[row + j] as number) - (scratch[i * rest + j] as number);
    }
  }
  for (let i = 0; i < n; i++) l.fill(0, i * n + i + 1, (i + 1) * n);
  return result;
}

/**
 * Solves L·Lᵀ·X = B given the Cholesky factor `l` (from `cholesky`). `b` is a vector
 * (Float64Array of length n) or an n x k matrix; the result has the same form. Reuse
 * one factor for many right-hand sides.
 */
export function choleskySolve(l: DenseMatrix, b: Float64Array): Float64Array;
export function choleskySolve(l: DenseMatrix, b: DenseMatrix): DenseMatrix;
export function choleskySolve(l: DenseMatrix, b: Float64Array | DenseMatrix): Float64Array | DenseMatrix;
export function choleskySolve(l: DenseMatrix, b: Float64Array | DenseMatrix): Float64Array | DenseMatrix {
  assertDenseMatrix(l, 'l');
  assertSquare(l, 'l');
  const n = l.rows;
  const isVector = b instanceof Float64Array;
  const rhs = isVector ? { rows: b.length, cols: 1, data: b } : assertDenseMatrix(b, 'b');
  if (rhs.rows !== n) {
    throw new ShapeError(
      `b must have ${n} rows to match the ${shapeOf(l)} system, got ${isVector ? `a vector of ${rhs.rows}` : shapeOf(rhs)}`,
      { details: { l: [n, n], b: [rhs.rows, rhs.cols] } },
    );
  }
  const k = rhs.cols;
  const x = Float64Array.from(rhs.data);
  const f = l.data;
  // Forward: L·Y = B, row by row (axpy over the k right-hand sides).
  for (let i = 0; i < n; i++) {
    const ri = i * k;
    for (let j = 0; j < i; j++) {
      const lij = f[i * n + j] as number;
      if (lij === 0) continue;
      const rj = j * k;
      for (let c = 0; c < k; c++) x[ri + c] = (x[ri + c] as number) - lij * (x[rj + c] as number);
    }
    const d = f[i * n + i] as number;
    for (let c = 0; c < k; c++) x[ri + c] = (x[ri + c] as number) / d;
  }
  // Backward: Lᵀ·X = Y.
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * k;
    for (let j = i + 1; j < n; j++) {
      const lji = f[j * n + i] as number;
      if (lji === 0) continue;
      const rj = j * k;
      for (let c = 0; c < k; c++) x[ri + c] = (x[ri + c] as number) - lji * (x[rj + c] as number);
    }
    const d = f[i * n + i] as number;
    for (let c = 0; c < k; c++) x[ri + c] = (x[ri + c] as number) / d;
  }
  return isVector ? x : { rows: n, cols: k, data: x };
}

/**
 * Solves A·X = B for symmetric positive definite `a` through its Cholesky factor.
 * `b` is a vector or an n x k matrix; the result has the same form.
 */
export function solveSPD(a: DenseMatrix, b: Float64Array): Float64Array;
export function solveSPD(a: DenseMatrix, b: DenseMatrix): DenseMatrix;
export function solveSPD(a: DenseMatrix, b: Float64Array | DenseMatrix): Float64Array | DenseMatrix {
  assertDenseMatrix(a, 'a');
  if (!(b instanceof Float64Array)) assertDenseMatrix(b, 'b');
  const n = a.rows;
  const rows = b instanceof Float64Array ? b.length : b.rows;
  if (rows !== n) {
    throw new ShapeError(`b must have ${n} rows to match a (${shapeOf(a)}), got ${rows}`, {
      details: { a: [a.rows, a.cols], b: rows },
    });
  }
  if (b instanceof Float64Array) {
    for (let i = 0; i < b.length; i++) {
      if (!Number.isFinite(b[i] as number)) {
        throw new InvalidInputError(`b[${i}] is ${b[i]}; b must contain only finite numbers`, {
          details: { argument: 'b', index: i },
        });
      }
    }
  } else {
    assertFinite(b, 'b');
  }
  return choleskySolve(cholesky(a), b);
}
