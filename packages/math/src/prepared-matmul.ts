import { assertDenseMatrix, createMatrix, type DenseMatrix } from '@toolbox/contracts';
import { type Operand, packLines } from './_gemm.js';

/**
 * A matrix made ready for repeated products (see `prepareMatmul`): pass it to `matmul`,
 * `matmulTransposeA` or `matmulTransposeB` in place of the matrix, as either factor.
 */
export interface PreparedMatrix {
  readonly rows: number;
  readonly cols: number;
}

/** Which factor of the product an operand is: `a` on the left, `b` on the right. */
export type Side = 'a' | 'b';

class Prepared implements PreparedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** The private copy every product reads. */
  readonly matrix: DenseMatrix;
  #rowPanels: Float64Array | undefined;
  #colPanels: Float64Array | undefined;

  constructor(x: DenseMatrix) {
    this.rows = x.rows;
    this.cols = x.cols;
    this.matrix = createMatrix(x.rows, x.cols, x.data.slice());
  }

  /**
   * The matrix (or its transpose) as gemm's `side` operand, with its panels: X's rows
   * when X is A or Xᵀ is B, X's columns otherwise; each layout is packed on first use.
   */
  operand(side: Side, transpose: boolean): Operand {
    const { rows, cols, data } = this.matrix;
    const byRows = side === 'a' ? !transpose : transpose;
    let panels: Float64Array;
    if (byRows) {
      this.#rowPanels ??= packLines(data, cols, 1, rows, cols);
      panels = this.#rowPanels;
    } else {
      this.#colPanels ??= packLines(data, 1, cols, cols, rows);
      panels = this.#colPanels;
    }
    return transpose
      ? { data, rowStride: 1, colStride: cols, panels }
      : { data, rowStride: cols, colStride: 1, panels };
  }
}

/**
 * Prepares `x` for many products with it as a fixed factor, e.g. the X·Wᵀ and Rᵀ·X of
 * every step of an optimiser: `const px = prepareMatmul(x)`, then
 * `matmulTransposeB(px, w, out)` and `matmulTransposeA(r, px, out)` as with `x` itself.
 *
 * The products skip re-packing `x` into the kernel's cache-blocked panel layout on
 * every call (it is packed once, on the first product that needs each layout) and are
 * bit-for-bit equal to the products with `x`. `x` is copied: later changes to it are
 * not seen. Memory: that copy plus one packed copy (rows or columns rounded up to a
 * multiple of 4) for each of the two layouts used — rows when `px` is the left factor
 * untransposed or the right factor transposed, columns otherwise. Pays off when the
 * other factor is small (few rows or columns) so that packing `x` is a large part of
 * each product.
 */
export function prepareMatmul(x: DenseMatrix): PreparedMatrix {
  assertDenseMatrix(x, 'x');
  return new Prepared(x);
}

/** A plain matrix or one from `prepareMatmul`: a factor of `matmul` and its transposed forms. */
export type MatmulFactor = DenseMatrix | PreparedMatrix;

/** The factor's matrix (for validation and shapes), checking a plain one is a DenseMatrix. */
export function factorMatrix(factor: MatmulFactor, name: string): DenseMatrix {
  return factor instanceof Prepared ? factor.matrix : assertDenseMatrix(factor, name);
}

/** The factor as gemm's `side` operand, transposed or not, with its panels if prepared. */
export function factorOperand(factor: MatmulFactor, side: Side, transpose: boolean): Operand {
  if (factor instanceof Prepared) return factor.operand(side, transpose);
  const { data, cols } = factor as DenseMatrix;
  return transpose ? { data, rowStride: 1, colStride: cols } : { data, rowStride: cols, colStride: 1 };
}
