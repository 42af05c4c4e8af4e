import { assertDenseMatrix, type DenseMatrix } from '@toolbox/contracts';
import { assertFiniteNumber, assertSameShape, resultMatrix, shapeOf } from './_check.js';

function binaryOut(a: DenseMatrix, b: DenseMatrix, out: DenseMatrix | undefined, what: string): DenseMatrix {
  assertDenseMatrix(a, 'a');
  assertDenseMatrix(b, 'b');
  assertSameShape(a, b, 'a', 'b');
  return resultMatrix(out, a.rows, a.cols, `${what} of two ${shapeOf(a)} matrices`);
}

/** A + B element-wise into `out` (same shape; may be `a` or `b` itself). */
export function add(a: DenseMatrix, b: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  const result = binaryOut(a, b, out, 'the sum');
  const x = a.data;
  const y = b.data;
  const z = result.data;
  for (let k = 0; k < z.length; k++) z[k] = (x[k] as number) + (y[k] as number);
  return result;
}

/** A − B element-wise into `out` (same shape; may be `a` or `b` itself). */
export function sub(a: DenseMatrix, b: DenseMatrix, out?: DenseMatrix): DenseMatrix {
  const result = binaryOut(a, b, out, 'the difference');
  const x = a.data;
  const y = b.data;
  const z = result.data;
  for (let k = 0; k < z.length; k++) z[k] = (x[k] as number) - (y[k] as number);
  return result;
}

/** alpha·A into `out` (same shape; may be `a` itself). */
export function scale(a: DenseMatrix, alpha: number, out?: DenseMatrix): DenseMatrix {
  assertDenseMatrix(a, 'a');
  assertFiniteNumber(alpha, 'alpha');
  const result = resultMatrix(out, a.rows, a.cols, `scaling a ${shapeOf(a)} matrix`);
  const x = a.data;
  const z = result.data;
  for (let k = 0; k < z.length; k++) z[k] = alpha * (x[k] as number);
  return result;
}

/** Y ← alpha·X + Y in place (BLAS axpy) and returns `y`. */
export function axpy(alpha: number, x: DenseMatrix, y: DenseMatrix): DenseMatrix {
  assertFiniteNumber(alpha, 'alpha');
  assertDenseMatrix(x, 'x');
  assertDenseMatrix(y, 'y');
  assertSameShape(x, y, 'x', 'y');
  const xs = x.data;
  const ys = y.data;
  const n = ys.length;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    ys[k] = (ys[k] as number) + alpha * (xs[k] as number);
    ys[k + 1] = (ys[k + 1] as number) + alpha * (xs[k + 1] as number);
    ys[k + 2] = (ys[k + 2] as number) + alpha * (xs[k + 2] as number);
    ys[k + 3] = (ys[k + 3] as number) + alpha * (xs[k + 3] as number);
  }
  for (; k < n; k++) ys[k] = (ys[k] as number) + alpha * (xs[k] as number);
  return y;
}
