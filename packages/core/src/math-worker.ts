import type { DenseMatrix } from '@toolbox/contracts';
import { matmulRows } from '@toolbox/math';

/** One row block of a product whose matrices live in SharedArrayBuffers (so nothing is copied). */
export interface MatmulBlock {
  a: DenseMatrix;
  b: DenseMatrix;
  out: DenseMatrix;
  rowStart: number;
  rowEnd: number;
}

/** Worker-side entry of `toolbox.math.matmul`: computes rows `[rowStart, rowEnd)` of `out = a · b`. */
export function matmulBlock(block: MatmulBlock): number {
  matmulRows(block.a, block.b, block.out, block.rowStart, block.rowEnd);
  return block.rowEnd - block.rowStart;
}
