import { assertDenseMatrix, createMatrix, type DenseMatrix, ShapeError } from '@toolbox/contracts';

/** Cache-friendly block size for the tiled transpose (elements per tile side). */
const TILE = 32;

/**
 * Aᵀ. Writes into `out` when given (it must be cols x rows and must not alias `a`).
 * Tiled so that both the reads and the writes stay within cache lines.
 */
export function transpose(a: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  assertDenseMatrix(a, 'a');
  const { rows, cols, data } = a;
  const result = out === undefined ? createMatrix(cols, rows) : assertDenseMatrix(out, 'out');
  if (result.rows !== cols || result.cols !== rows) {
    throw new ShapeError(
      `out must be ${cols}x${rows} for the transpose of a ${rows}x${cols} matrix a, got ${result.rows}x${result.cols}`,
      {
        details: { a: [rows, cols], out: [result.rows, result.cols] },
      },
    );
  }
  const target = result.data;
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const iEnd = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const jEnd = Math.min(j0 + TILE, cols);
      for (let i = i0; i < iEnd; i++) {
        const rowOffset = i * cols;
        for (let j = j0; j < jEnd; j++) target[j * rows + i] = data[rowOffset + j] as number;
      }
    }
  }
  return result;
}
