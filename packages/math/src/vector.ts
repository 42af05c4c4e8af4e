import { assertDenseMatrix, type DenseMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';

function values(x: Float64Array | DenseMatrix, name: string): Float64Array {
  if (x instanceof Float64Array) return x;
  if (typeof x !== 'object' || x === null) {
    throw new InvalidInputError(`${name} must be a Float64Array or a DenseMatrix`, {
      details: { argument: name },
    });
  }
  return assertDenseMatrix(x, name).data;
}

/**
 * Inner product Σ xₖ·yₖ of two vectors (Float64Array) or two same-shape matrices
 * (the Frobenius inner product). Four partial sums, unrolled.
 */
export function dot(x: Float64Array | DenseMatrix, y: Float64Array | DenseMatrix): number {
  const a = values(x, 'x');
  const b = values(y, 'y');
  if (
    a.length !== b.length ||
    (!(x instanceof Float64Array) && !(y instanceof Float64Array) && (x.rows !== y.rows || x.cols !== y.cols))
  ) {
    throw new ShapeError(`dot needs x and y of the same size, got ${a.length} and ${b.length} elements`, {
      details: { x: a.length, y: b.length },
    });
  }
  const n = a.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += (a[k] as number) * (b[k] as number);
    s1 += (a[k + 1] as number) * (b[k + 1] as number);
    s2 += (a[k + 2] as number) * (b[k + 2] as number);
    s3 += (a[k + 3] as number) * (b[k + 3] as number);
  }
  for (; k < n; k++) s0 += (a[k] as number) * (b[k] as number);
  return s0 + s1 + (s2 + s3);
}

/**
 * Euclidean norm of a vector, or Frobenius norm of a matrix. Rescales when the plain
 * sum of squares would overflow or underflow, so `norm2([1e200, 1e200])` is finite.
 */
export function norm2(x: Float64Array | DenseMatrix): number {
  const a = values(x, 'x');
  const sum = dot(a, a);
  if (sum > 1e-280 && sum < Number.POSITIVE_INFINITY) return Math.sqrt(sum);
  let largest = 0;
  for (let k = 0; k < a.length; k++) largest = Math.max(largest, Math.abs(a[k] as number));
  if (largest === 0 || !Number.isFinite(largest)) return Number.isNaN(sum) ? Number.NaN : largest;
  let scaled = 0;
  for (let k = 0; k < a.length; k++) {
    const v = (a[k] as number) / largest;
    scaled += v * v;
  }
  return largest * Math.sqrt(scaled);
}
