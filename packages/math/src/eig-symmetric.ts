import { assertDenseMatrix, createMatrix, type DenseMatrix, ToolboxError } from '@toolbox/contracts';
import { assertFinite, assertSquare } from './_check.js';
import type { KernelChoice } from './_gemm.js';
import { reflector, swapAt } from './_householder.js';
import { createLevel1 } from './_level1.js';
import { transpose } from './transpose.js';

export interface EigSymmetricResult {
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** Orthonormal eigenvectors as columns, in the order of `values`: A·V = V·diag(values). */
  vectors: DenseMatrix;
}

const EPS = 2 ** -52;

/**
 * Eigendecomposition of a symmetric matrix: Householder tridiagonalization, then
 * implicit-shift symmetric QR (Wilkinson shift), every update over contiguous rows with
 * the SIMD level-1 kernels. Only the lower triangle of `a` is read. Non-finite input
 * throws `InvalidInputError` naming `a`.
 */
export function eigSymmetric(a: DenseMatrix): EigSymmetricResult {
  assertDenseMatrix(a, 'a');
  assertSquare(a, 'a');
  assertFinite(a, 'a');
  return eigSymmetricWithKernel(a, 'auto');
}

/** `eigSymmetric` without validation, with a choice of kernels (tests exercise both). */
export function eigSymmetricWithKernel(a: DenseMatrix, kernel: KernelChoice): EigSymmetricResult {
  const n = a.rows;
  const W = 0;
  const QT = n * n;
  const P = QT + n * n;
  const k1 = createLevel1(P + n, kernel);
  const heap = k1.heap;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const value = a.data[i * n + j] as number;
      heap[W + i * n + j] = value;
      heap[W + j * n + i] = value;
      largest = Math.max(largest, Math.abs(value));
    }
  }
  // Scale to unit magnitude so squares neither overflow nor underflow; undone at the end.
  const factor = largest > 0 ? 1 / largest : 1;
  for (let k = 0; k < n * n; k++) heap[k] = (heap[k] as number) * factor;

  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    const v = W + k * n + k + 1; // row k right of the diagonal = column k below it
    const r = n - k - 1;
    d[k] = heap[W + k * n + k] as number;
    const t = reflector(heap, v, r);
    tau[k] = t;
    e[k] = heap[v] as number;
    heap[v] = 1;
    if (t === 0) continue;
    // A22 ← H·A22·H with p = t·A22·v, w = p − (t/2)(pᵀv)·v, A22 −= v·wᵀ + w·vᵀ.
    for (let i = 0; i < r; i++) heap[P + i] = t * k1.dot(W + (k + 1 + i) * n + k + 1, v, r);
    k1.axpy(-0.5 * t * k1.dot(P, v, r), v, P, r);
    for (let i = 0; i < r; i++) {
      const row = W + (k + 1 + i) * n + k + 1;
      k1.axpy(-(heap[v + i] as number), P, row, r);
      k1.axpy(-(heap[P + i] as number), v, row, r);
    }
  }
  if (n >= 2) {
    d[n - 2] = heap[W + (n - 2) * n + n - 2] as number;
    e[n - 2] = heap[W + (n - 1) * n + n - 2] as number;
  }
  if (n >= 1) d[n - 1] = heap[W + (n - 1) * n + n - 1] as number;

  // Q = H₀·H₁⋯ accumulated backwards; row j of Qᵀ is column j of Q.
  for (let j = 0; j < n; j++) heap[QT + j * n + j] = 1;
  for (let k = n - 3; k >= 0; k--) {
    const t = tau[k] as number;
    if (t === 0) continue;
    const v = W + k * n + k + 1;
    for (let j = k + 1; j < n; j++) {
      const at = QT + j * n + k + 1;
      const s = t * k1.dot(v, at, n - k - 1);
      if (s !== 0) k1.axpy(-s, v, at, n - k - 1);
    }
  }

  diagonalizeTridiagonal(d, e, n, (x, y, c, s) => k1.rot(QT + x * n, QT + y * n, n, c, s));

  for (let i = 0; i < n - 1; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if ((d[j] as number) > (d[best] as number)) best = j;
    if (best !== i) {
      [d[i], d[best]] = [d[best] as number, d[i] as number];
      swapAt(heap, QT + i * n, QT + best * n, n);
    }
  }
  for (let i = 0; i < n; i++) d[i] = (d[i] as number) * largest;
  return { values: d, vectors: transpose(createMatrix(n, n, heap.slice(QT, QT + n * n))) };
}

/**
 * Implicit symmetric QR steps with a Wilkinson shift on the tridiagonal (d diagonal, e
 * sub-diagonal) until e vanishes, rotating the eigenvector basis along.
 */
function diagonalizeTridiagonal(
  d: Float64Array,
  e: Float64Array,
  n: number,
  rotate: (x: number, y: number, c: number, s: number) => void,
): void {
  const maxIterations = 50 * n + 100;
  let iterations = 0;
  let hi = n - 1;
  while (hi > 0) {
    for (let i = 0; i < hi; i++) {
      if (Math.abs(e[i] as number) <= EPS * (Math.abs(d[i] as number) + Math.abs(d[i + 1] as number)))
        e[i] = 0;
    }
    if (e[hi - 1] === 0) {
      hi--;
      continue;
    }
    if (iterations++ > maxIterations) {
      throw new ToolboxError(`eigSymmetric did not converge after ${maxIterations} QR steps`, {
        details: { argument: 'a' },
      });
    }
    let lo = hi - 1;
    while (lo > 0 && e[lo - 1] !== 0) lo--;
    const half = ((d[hi - 1] as number) - (d[hi] as number)) / 2;
    const off = e[hi - 1] as number;
    const mu = (d[hi] as number) - (off * off) / (half + (half >= 0 ? 1 : -1) * Math.hypot(half, off));
    let x = (d[lo] as number) - mu;
    let z = e[lo] as number;
    for (let k = lo; k < hi; k++) {
      const r = Math.hypot(x, z);
      const c = r === 0 ? 1 : x / r;
      const s = r === 0 ? 0 : z / r;
      if (k > lo) e[k - 1] = r;
      const dk = d[k] as number;
      const ek = e[k] as number;
      const dk1 = d[k + 1] as number;
      d[k] = c * c * dk + 2 * c * s * ek + s * s * dk1;
      d[k + 1] = s * s * dk - 2 * c * s * ek + c * c * dk1;
      e[k] = c * s * (dk1 - dk) + (c * c - s * s) * ek;
      rotate(k, k + 1, c, s);
      if (k < hi - 1) {
        x = e[k] as number;
        z = s * (e[k + 1] as number);
        e[k + 1] = c * (e[k + 1] as number);
      }
    }
  }
}
