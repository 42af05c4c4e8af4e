import { assertDenseMatrix, type DenseMatrix, ShapeError } from '@toolbox/contracts';
import { assertNoAlias, assertRowRange, resultMatrix, shapeOf } from './_check.js';
import { gemm } from './_gemm.js';
import { factorMatrix, factorOperand, type MatmulFactor } from './prepared-matmul.js';

function mismatch(what: string, a: DenseMatrix, b: DenseMatrix, nameA = 'a', nameB = 'b'): ShapeError {
  return new ShapeError(`${what}: ${nameA} is ${shapeOf(a)} and ${nameB} is ${shapeOf(b)}`, {
    details: { [nameA]: [a.rows, a.cols], [nameB]: [b.rows, b.cols] },
  });
}

/** How a factor reads in messages: `a (3x4)`, or `aᵀ (4x3)` when used transposed. */
function describe(m: DenseMatrix, name: string, transposed: boolean): string {
  return transposed ? `${name}ᵀ (${m.cols}x${m.rows})` : `${name} (${shapeOf(m)})`;
}

/**
 * op(A)·op(B) into `out`, op being the identity or the transpose (read through strides,
 * never formed): the one body of `matmul`, `matmulTransposeA` and `matmulTransposeB`.
 */
function product(
  name: string,
  a: MatmulFactor,
  b: MatmulFactor,
  transposeA: boolean,
  transposeB: boolean,
  out: DenseMatrix | undefined,
): DenseMatrix {
  const ma = factorMatrix(a, 'a');
  const mb = factorMatrix(b, 'b');
  const [m, k] = transposeA ? [ma.cols, ma.rows] : [ma.rows, ma.cols];
  const [kb, n] = transposeB ? [mb.cols, mb.rows] : [mb.rows, mb.cols];
  if (k !== kb) {
    const inner = `${transposeA ? 'a.rows' : 'a.cols'} === ${transposeB ? 'b.cols' : 'b.rows'}`;
    throw mismatch(`${name} needs ${inner}`, ma, mb);
  }
  const result = resultMatrix(
    out,
    m,
    n,
    `${describe(ma, 'a', transposeA)} · ${describe(mb, 'b', transposeB)}`,
  );
  assertNoAlias(result, ma, mb);
  gemm(n, k, factorOperand(a, 'a', transposeA), factorOperand(b, 'b', transposeB), result.data, n, 0, m);
  return result;
}

/**
 * A·B (`a` is m x k, `b` is k x n) into `out` (m x n, allocated when omitted; must not
 * alias `a` or `b`). Cache-blocked, packed, 4x4 register-tiled; WebAssembly SIMD
 * micro-kernel when the runtime has it, plain JS otherwise. Either factor may be a
 * `prepareMatmul` result, which skips packing it again.
 */
export function matmul(a: MatmulFactor, b: MatmulFactor, out?: DenseMatrix): DenseMatrix {
  return product('matmul', a, b, false, false, out);
}

/**
 * Aᵀ·B (`a` is k x m, `b` is k x n) into `out` (m x n), without forming Aᵀ. Either
 * factor may be a `prepareMatmul` result.
 */
export function matmulTransposeA(a: MatmulFactor, b: MatmulFactor, out?: DenseMatrix): DenseMatrix {
  return product('matmulTransposeA', a, b, true, false, out);
}

/**
 * A·Bᵀ (`a` is m x k, `b` is n x k) into `out` (m x n), without forming Bᵀ. Either
 * factor may be a `prepareMatmul` result.
 */
export function matmulTransposeB(a: MatmulFactor, b: MatmulFactor, out?: DenseMatrix): DenseMatrix {
  return product('matmulTransposeB', a, b, false, true, out);
}

/** The Gram matrix XᵀX (`x` is n x d, result d x d, exactly symmetric). */
export function gram(x: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  assertDenseMatrix(x, 'x');
  const d = x.cols;
  const result = resultMatrix(out, d, d, `the gram matrix of x (${shapeOf(x)})`);
  assertNoAlias(result, x, x);
  gemm(d, x.rows, factorOperand(x, 'a', true), factorOperand(x, 'b', false), result.data, d, 0, d);
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
  gemm(
    b.cols,
    a.cols,
    factorOperand(a, 'a', false),
    factorOperand(b, 'b', false),
    result.data,
    b.cols,
    rowStart,
    rowEnd,
  );
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
  gemm(
    b.rows,
    a.cols,
    factorOperand(a, 'a', false),
    factorOperand(b, 'b', true),
    result.data,
    b.rows,
    rowStart,
    rowEnd,
  );
  return result;
}
