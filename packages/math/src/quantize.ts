import { assertDenseMatrix, type DenseMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import { assertFinite, resultMatrix } from './_check.js';

/** An int8 matrix with a per-column affine map: value ≈ scale[j]·(q − zeroPoint[j]). */
export interface QuantizedInt8Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major codes. */
  readonly data: Int8Array;
  /** Per-column step (> 0). */
  readonly scale: Float64Array;
  /** Per-column code that represents 0 (an integer in [-128, 127] when 0 is in range). */
  readonly zeroPoint: Float64Array;
}

/**
 * Per-column affine int8 quantization: each column's [min, max] (widened to include 0)
 * maps onto [-128, 127]. The round-trip error of every element is at most half its
 * column's `scale`. Non-finite input throws `InvalidInputError` naming `x`.
 */
export function quantizeInt8(x: DenseMatrix): QuantizedInt8Matrix {
  assertDenseMatrix(x, 'x');
  assertFinite(x, 'x');
  const { rows, cols, data } = x;
  const low = new Float64Array(cols);
  const high = new Float64Array(cols);
  for (let k = 0; k < data.length; k++) {
    const j = k % cols;
    const v = data[k] as number;
    if (v < (low[j] as number)) low[j] = v;
    if (v > (high[j] as number)) high[j] = v;
  }
  const scale = new Float64Array(cols);
  const zeroPoint = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const range = (high[j] as number) - (low[j] as number);
    const step = range > 0 ? range / 255 : 1;
    scale[j] = step;
    zeroPoint[j] = Math.round(-128 - (low[j] as number) / step);
  }
  const codes = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const q = Math.round((data[i * cols + j] as number) / (scale[j] as number) + (zeroPoint[j] as number));
      codes[i * cols + j] = q < -128 ? -128 : Math.min(q, 127);
    }
  }
  return { rows, cols, data: codes, scale, zeroPoint };
}

/** Back to float64: scale[j]·(q − zeroPoint[j]), into `out` when given. */
export function dequantizeInt8(q: QuantizedInt8Matrix, out?: DenseMatrix): DenseMatrix {
  if (typeof q !== 'object' || q === null || !(q.data instanceof Int8Array)) {
    throw new InvalidInputError('q must be a quantized matrix from quantizeInt8', {
      details: { argument: 'q' },
    });
  }
  const { rows, cols, data, scale, zeroPoint } = q;
  if (data.length !== rows * cols || scale.length !== cols || zeroPoint.length !== cols) {
    throw new ShapeError(
      `q is ${rows}x${cols} but has ${data.length} codes, ${scale.length} scales and ${zeroPoint.length} zero points`,
      { details: { argument: 'q', rows, cols } },
    );
  }
  const result = resultMatrix(out, rows, cols, `dequantizing a ${rows}x${cols} matrix`);
  const target = result.data;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      target[i * cols + j] =
        (scale[j] as number) * ((data[i * cols + j] as number) - (zeroPoint[j] as number));
    }
  }
  return result;
}
