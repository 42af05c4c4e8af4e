import { assertDenseMatrix, type DenseMatrix, ShapeError } from '@toolbox/contracts';
import { assertNoAlias, assertRowRange, resultMatrix, shapeOf } from './_check.js';
import { gemm } from './_gemm.js';

/** ‖row‖² of rows `start..end` of `m`. */
export function rowSquaredNorms(m: DenseMatrix, start: number, end: number): Float64Array {
  const { cols, data } = m;
  const norms = new Float64Array(end - start);
  for (let i = start; i < end; i++) {
    let s = 0;
    for (let k = i * cols, stop = k + cols; k < stop; k++) s += (data[k] as number) * (data[k] as number);
    norms[i - start] = s;
  }
  return norms;
}

function prepare(a: DenseMatrix, b: DenseMatrix, out: DenseMatrix | undefined): DenseMatrix {
  assertDenseMatrix(a, 'a');
  assertDenseMatrix(b, 'b');
  if (a.cols !== b.cols) {
    throw new ShapeError(
      `pairwiseSquaredEuclidean needs a.cols === b.cols: a is ${shapeOf(a)} and b is ${shapeOf(b)}`,
      { details: { a: [a.rows, a.cols], b: [b.rows, b.cols] } },
    );
  }
  return resultMatrix(out, a.rows, b.rows, `distances between a (${shapeOf(a)}) and b (${shapeOf(b)}) rows`);
}

function fill(a: DenseMatrix, b: DenseMatrix, result: DenseMatrix, rowStart: number, rowEnd: number): void {
  const n = b.rows;
  const d = result.data;
  gemm(
    n,
    a.cols,
    { data: a.data, rowStride: a.cols, colStride: 1 },
    { data: b.data, rowStride: 1, colStride: b.cols },
    d,
    n,
    rowStart,
    rowEnd,
  );
  const aNorms = rowSquaredNorms(a, rowStart, rowEnd);
  const bNorms = rowSquaredNorms(b, 0, n);
  for (let i = rowStart; i < rowEnd; i++) {
    const ai = aNorms[i - rowStart] as number;
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const value = ai + (bNorms[j] as number) - 2 * (d[row + j] as number);
      d[row + j] = Math.max(value, 0);
    }
    if (a === b && i < n) d[row + i] = 0;
  }
}

/**
 * Squared Euclidean distances between every row of `a` (m x d) and every row of `b`
 * (n x d, default `a`): an m x n matrix computed as ‖a‖² + ‖b‖² − 2·a·bᵀ (one matrix
 * product), clamped at 0 against rounding. With `b` omitted the diagonal is exactly 0.
 * The expansion loses relative precision for points much closer together than their
 * norms; centre the data first when that matters.
 */
export function pairwiseSquaredEuclidean(a: DenseMatrix, b: DenseMatrix = a, out?: DenseMatrix): DenseMatrix {
  const result = prepare(a, b, out);
  assertNoAlias(result, a, b);
  fill(a, b, result, 0, a.rows);
  return result;
}

/**
 * Rows `rowStart..rowEnd` of `pairwiseSquaredEuclidean(a, b)` written into the same
 * rows of `out` (a.rows x b.rows): the block function for running a kNN query over
 * several threads on `SharedArrayBuffer`-backed matrices.
 */
export function pairwiseSquaredEuclideanRows(
  a: DenseMatrix,
  b: DenseMatrix,
  out: DenseMatrix,
  rowStart: number,
  rowEnd: number,
): DenseMatrix {
  const result = prepare(a, b, out);
  assertNoAlias(result, a, b);
  assertRowRange(rowStart, rowEnd, a.rows);
  fill(a, b, result, rowStart, rowEnd);
  return result;
}
