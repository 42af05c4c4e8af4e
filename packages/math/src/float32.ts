import { assertDenseMatrix, type DenseMatrix, ShapeError } from '@toolbox/contracts';
import { resultMatrix } from './_check.js';

/** A row-major float32 matrix: half the memory of a `DenseMatrix`, ~7 significant digits. */
export interface Float32Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** Rounds a `DenseMatrix` to float32 storage (mixed precision: store small, compute in float64). */
export function toFloat32(x: DenseMatrix): Float32Matrix {
  assertDenseMatrix(x, 'x');
  return { rows: x.rows, cols: x.cols, data: Float32Array.from(x.data) };
}

/** Widens float32 storage back to a `DenseMatrix`, into `out` when given. */
export function fromFloat32(x: Float32Matrix, out?: DenseMatrix): DenseMatrix {
  if (
    typeof x !== 'object' ||
    x === null ||
    !(x.data instanceof Float32Array) ||
    x.data.length !== x.rows * x.cols
  ) {
    throw new ShapeError('x must be a Float32Matrix whose data has rows*cols elements', {
      details: { argument: 'x' },
    });
  }
  const result = resultMatrix(out, x.rows, x.cols, 'widening x');
  result.data.set(x.data);
  return result;
}
