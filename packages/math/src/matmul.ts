import { assertDenseMatrix, type DenseMatrix, ShapeError } from '@toolbox/contracts';
import { assertNoAlias, assertRowRange, resultMatrix, shapeOf } from './_check.js';
import { gemm, type Operand } from './_gemm.js';

const plain = (m: DenseMatrix): Operand => ({ data: m.data, rowStride: m.cols, colStride: 1 });
const transposed = (m: DenseMatrix): Operand => ({ data: m.data, rowStride: 1, colStride: m.cols });

function mismatch(what: string, a: DenseMatrix, b: DenseMatrix, nameA = 'a', nameB = 'b'): ShapeError {
  return new ShapeError(`${what}: ${nameA} is ${shapeOf(a)} and ${nameB} is ${shapeOf(b)}`, {
    details: { [nameA]: [a.rows, a.cols], [nameB]: [b.rows, b.cols] },
  });
}

/**
 * A·B (`a` is m x k, `b` is k x n) into `out` (m x n, allocated when omitted; must not
 * alias `a` or `b`). Cache-blocked, packed, 4x4 register-tiled; WebAssembly SIMD
 * micro-kernel when the runtime has it, plain JS otherwise.
 */
export function matmul(a: DenseMatrix, b: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  assertDenseMatrix(a, 'a');
  assertDenseMatrix(b, 'b');
  if (a.cols !== b.rows) throw mismatch('matmul needs a.cols === b.rows', a, b);
  const result = resultMatrix(out, a.rows, b.cols, `a (${shapeOf(a)}) · b (${shapeOf(b)})`);
  assertNoAlias(result, a, b);
  gemm(b.cols, a.cols, plain(a), plain(b), result.data, b.cols, 0, a.rows);
  return result;
}

/** Aᵀ·B (`a` is k x m, `b` is k x n) into `out` (m x n), without forming Aᵀ. */
export function matmulTransposeA(a: DenseMatrix, b: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  assertDenseMatrix(a, 'a');
  assertDenseMatrix(b, 'b');
  if (a.rows !== b.rows) throw mismatch('matmulTransposeA needs a.rows === b.rows', a, b);
  const result = resultMatrix(out, a.cols, b.cols, `aᵀ (${a.cols}x${a.rows}) · b (${shapeOf(b)})`);
  assertNoAlias(result, a, b);
  gemm(b.cols, a.rows, transposed(a), plain(b), result.data, b.cols, 0, a.cols);
  return result;
}

/** A·Bᵀ (`a` is m x k, `b` is n x k) into `out` (m x n), without forming Bᵀ. */
export function matmulTransposeB(a: DenseMatrix, b: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  assertDenseMatrix(a, 'a');
  assertDenseMatrix(b, 'b');
  if (a.cols !== b.cols) throw mismatch('matmulTransposeB needs a.cols === b.cols', a, b);
  const result = resultMatrix(out, a.rows, b.rows, `a (${shapeOf(a)}) · bᵀ (${b.cols}x${b.rows})`);
  assertNoAlias(result, a, b);
  gemm(b.rows, a.cols, plain(a), transposed(b), result.data, b.rows, 0, a.rows);
  return result;
}

/** The Gram matrix XᵀX (`x` is n x d, result d x d, exactly symmetric). */
export function gram(x: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  assertDenseMatrix(x, 'x');
  const d = x.cols;
  const result = resultMatrix(out, d, d, `the gram matrix of x (${shapeOf(x)})`);
  assertNoAlias(result, x, x);
  gemm(d, x.rows, transposed(x), plain(x), result.data, d, 0, d);
  const g = result.data;
  // Blocked summation is not symmetric bit for bit; average so that gram(x) is.
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const value = 0.5 * ((g[i * d + j] as number) + (g[j * d + i] as number));
      g[i * d + j] = value;
      g[j * d + i] = value;
    }
  }
  return result;
}

/**
 * Rows `rowStart..rowEnd` (end exclusive) of A·B, written into the same rows of `out`
 * (m x n). The block function behind a multi-threaded matmul: give each worker its
 * own row range over `SharedArrayBuffer`-backed matrices (see `createSharedMatrix`).
 */
export function matmulRows(
  a: DenseMatrix,
  b: DenseMatrix,
  out: DenseMatrix,
  rowStart: number,
  rowEnd: number,
): DenseMatrix {
  assertDenseMatrix(a, 'a');
  assertDenseMatrix(b, 'b');
  if (a.cols !== b.rows) throw mismatch('matmulRows needs a.cols === b.rows', a, b);
  const result = resultMatrix(out, a.rows, b.cols, `a (${shapeOf(a)}) · b (${shapeOf(b)})`);
  assertNoAlias(result, a, b);
  assertRowRange(rowStart, rowEnd, a.rows);
  gemm(b.cols, a.cols, plain(a), plain(b), result.data, b.cols, rowStart, rowEnd);
  return result;
}

/** Rows `rowStart..rowEnd` of A·Bᵀ into the same rows of `out` (m x n); see `matmulRows`. */
export function matmulTransposeBRows(
  a: DenseMatrix,
  b: DenseMatrix,
  out: DenseMatrix,
  rowStart: number,
  rowEnd: number,
): DenseMatrix {
  assertDenseMatrix(a, 'a');
  assertDenseMatrix(b, 'b');
  if (a.cols !== b.cols) throw mismatch('matmulTransposeBRows needs a.cols === b.cols', a, b);
  const result = resultMatrix(out, a.rows, b.rows, `a (${shapeOf(a)}) · bᵀ (${b.cols}x${b.rows})`);
  assertNoAlias(result, a, b);
  assertRowRange(rowStart, rowEnd, a.rows);
  gemm(b.rows, a.cols, plain(a), transposed(b), result.data, b.rows, rowStart, rowEnd);
  return result;
}
