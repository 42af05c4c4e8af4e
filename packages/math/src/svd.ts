import { assertDenseMatrix, createMatrix, type DenseMatrix, ToolboxError } from '@toolbox/contracts';
import { assertBooleanOption, assertFinite } from './_check.js';
import type { KernelChoice } from './_gemm.js';
import { reflector, swapAt } from './_householder.js';
import { createLevel1, type Level1 } from './_level1.js';
import { transpose } from './transpose.js';

export interface SvdOptions {
  /**
   * Thin (economy) SVD: with p = min(rows, cols), U is rows x p and V is cols x p.
   * Default true. False gives a square U (rows x rows) and V (cols x cols).
   */
  thin?: boolean;
}

export interface SvdResult {
  /** Left singular vectors as columns. */
  u: DenseMatrix;
  /** Singular values, non-negative, in descending order (length min(rows, cols)). */
  s: Float64Array;
  /** Right singular vectors as columns: A = U·diag(s)·Vᵀ. */
  v: DenseMatrix;
}

const EPS = 2 ** -52;

interface TallSvd {
  /** Columns of U as rows (uRows x m). */
  ut: Float64Array;
  uRows: number;
  /** Columns of V as rows (n x n). */
  vt: Float64Array;
  s: Float64Array;
}

/** H·target for H = I − tau·v·vᵀ, v = [1, heap[v+1 .. v+len)], target = heap[t .. t+len). */
function applyReflector(k: Level1, tau: number, v: number, t: number, len: number): void {
  const heap = k.heap;
  const s = tau * ((heap[t] as number) + k.dot(v + 1, t + 1, len - 1));
  if (s === 0) return;
  heap[t] = (heap[t] as number) - s;
  k.axpy(-s, v + 1, t + 1, len - 1);
}

/**
 * SVD of a tall M (m x n, m >= n) whose transpose W = Mᵀ (n rows of length m) is
 * written by `load` at the start of the heap. Golub–Kahan Householder
 * bidiagonalization, then implicit-shift QR on the bidiagonal; every update runs over
 * contiguous rows (columns of M, U and V are rows of W, Uᵀ and Vᵀ).
 */
function tallSvd(
  m: number,
  n: number,
  fullU: boolean,
  kernel: KernelChoice,
  load: (w: Float64Array) => void,
): TallSvd {
  const uRows = fullU ? m : n;
  const W = 0;
  const UT = n * m;
  const VT = UT + uRows * m;
  const RIGHT = VT + n * n; // reflector k of V at RIGHT + k*n + k+1 ..
  const WORK = RIGHT + n * n;
  const k1 = createLevel1(WORK + m, kernel);
  const heap = k1.heap;
  load(heap.subarray(W, W + n * m));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tauLeft = new Float64Array(n);
  const tauRight = new Float64Array(n);

  for (let k = 0; k < n; k++) {
    const ck = W + k * m;
    const tl = reflector(heap, ck + k, m - k);
    tauLeft[k] = tl;
    d[k] = heap[ck + k] as number;
    if (tl !== 0) for (let j = k + 1; j < n; j++) applyReflector(k1, tl, ck + k, W + j * m + k, m - k);
    if (k >= n - 1) continue;
    // Row k of M right of the diagonal is column k of the rows k+1.. of W.
    const rk = RIGHT + k * n;
    for (let j = k + 1; j < n; j++) heap[rk + j] = heap[W + j * m + k] as number;
    const tr = reflector(heap, rk + k + 1, n - k - 1);
    tauRight[k] = tr;
    e[k] = heap[rk + k + 1] as number;
    heap[rk + k + 1] = 1;
    if (tr === 0) continue;
    // M[k+1.., k+1..] ← M·H: work = Σ_j v_j·M[:, j], then M[:, j] −= tr·v_j·work.
    const len = m - k - 1;
    heap.fill(0, WORK, WORK + len);
    for (let j = k + 1; j < n; j++) k1.axpy(heap[rk + j] as number, W + j * m + k + 1, WORK, len);
    for (let j = k + 1; j < n; j++) k1.axpy(-tr * (heap[rk + j] as number), WORK, W + j * m + k + 1, len);
  }

  for (let j = 0; j < uRows; j++) heap[UT + j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const t = tauLeft[k] as number;
    if (t === 0) continue;
    for (let j = k; j < uRows; j++) applyReflector(k1, t, W + k * m + k, UT + j * m + k, m - k);
  }
  for (let j = 0; j < n; j++) heap[VT + j * n + j] = 1;
  for (let k = n - 2; k >= 0; k--) {
    const t = tauRight[k] as number;
    if (t === 0) continue;
    const rk = RIGHT + k * n + k + 1;
    for (let j = k + 1; j < n; j++) {
      const at = VT + j * n + k + 1;
      const s = t * k1.dot(rk, at, n - k - 1);
      if (s !== 0) k1.axpy(-s, rk, at, n - k - 1);
    }
  }

  diagonalizeBidiagonal(
    d,
    e,
    n,
    (x, y, c, s) => k1.rot(UT + x * m, UT + y * m, m, c, s),
    (x, y, c, s) => k1.rot(VT + x * n, VT + y * n, n, c, s),
  );

  // Signs, then descending order.
  for (let i = 0; i < n; i++) {
    if ((d[i] as number) < 0) {
      d[i] = -(d[i] as number);
      for (let c = VT + i * n, end = c + n; c < end; c++) heap[c] = -(heap[c] as number);
    }
  }
  for (let i = 0; i < n - 1; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if ((d[j] as number) > (d[best] as number)) best = j;
    if (best !== i) {
      [d[i], d[best]] = [d[best] as number, d[i] as number];
      swapAt(heap, UT + i * m, UT + best * m, m);
      swapAt(heap, VT + i * n, VT + best * n, n);
    }
  }
  return { ut: heap.slice(UT, UT + uRows * m), uRows, vt: heap.slice(VT, VT + n * n), s: d };
}

/** Givens pair zeroing g against f: [c s]·[f g]ᵀ = r. */
function givens(f: number, g: number): [number, number, number] {
  if (g === 0) return [1, 0, f];
  const r = Math.hypot(f, g);
  return [f / r, g / r, r];
}

/** Rotates columns x and y of U (or V): x ← c·x + s·y, y ← c·y − s·x. */
type Rotate = (x: number, y: number, c: number, s: number) => void;

/**
 * Implicit-shift QR on the bidiagonal (d on the diagonal, e above it) until e vanishes
 * (Golub–Kahan SVD step with a Wilkinson shift; zero-diagonal chasing), rotating the
 * columns of U and V along.
 */
function diagonalizeBidiagonal(
  d: Float64Array,
  e: Float64Array,
  n: number,
  rotU: Rotate,
  rotV: Rotate,
): void {
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i] as number) + Math.abs(e[i] as number));
  const zeroTolerance = EPS * norm;
  const maxIterations = 75 * n * n + 100;
  let iterations = 0;
  let hi = n - 1;
  while (hi > 0) {
    if (iterations++ > maxIterations) {
      throw new ToolboxError(`svd did not converge after ${maxIterations} QR iterations`, {
        details: { argument: 'a' },
      });
    }
    for (let i = 0; i < hi; i++) {
      const ei = Math.abs(e[i] as number);
      if (
        ei <= EPS * (Math.abs(d[i] as number) + Math.abs(d[i + 1] as number)) ||
        ei <= Number.MIN_VALUE * 1e10
      )
        e[i] = 0;
    }
    if (e[hi - 1] === 0) {
      hi--;
      continue;
    }
    let lo = hi - 1;
    while (lo > 0 && e[lo - 1] !== 0) lo--;
    // A (near) zero on the diagonal splits the problem after chasing its row or column.
    let zero = -1;
    for (let i = lo; i <= hi; i++) {
      if (Math.abs(d[i] as number) <= zeroTolerance) {
        zero = i;
        break;
      }
    }
    if (zero >= 0) {
      d[zero] = 0;
      if (zero < hi) {
        // Zero row `zero` of B with left rotations against rows zero+1..hi.
        let x = e[zero] as number;
        e[zero] = 0;
        for (let j = zero + 1; j <= hi && x !== 0; j++) {
          const [c, s, r] = givens(d[j] as number, x);
          d[j] = r;
          if (j < hi) {
            x = -s * (e[j] as number);
            e[j] = c * (e[j] as number);
          }
          rotU(j, zero, c, s);
        }
      } else {
        // Zero column hi with right rotations against columns hi-1..lo.
        let x = e[hi - 1] as number;
        e[hi - 1] = 0;
        for (let j = hi - 1; j >= lo && x !== 0; j--) {
          const [c, s, r] = givens(d[j] as number, x);
          d[j] = r;
          if (j > lo) {
            x = -s * (e[j - 1] as number);
            e[j - 1] = c * (e[j - 1] as number);
          }
          rotV(j, hi, c, s);
        }
      }
      continue;
    }
    // Wilkinson shift from the trailing 2x2 of BᵀB.
    const dh1 = d[hi - 1] as number;
    const dh = d[hi] as number;
    const eh1 = e[hi - 1] as number;
    const eh2 = hi - 1 > lo ? (e[hi - 2] as number) : 0;
    const ta = dh1 * dh1 + eh2 * eh2;
    const tb = dh1 * eh1;
    const tc = dh * dh + eh1 * eh1;
    const delta = (ta - tc) / 2;
    const mu = tc - (tb * tb) / (delta + (delta >= 0 ? 1 : -1) * Math.hypot(delta, tb));
    let f = (d[lo] as number) * (d[lo] as number) - (Number.isFinite(mu) ? mu : tc);
    let g = (d[lo] as number) * (e[lo] as number);
    for (let k = lo; k < hi; k++) {
      let [c, s, r] = givens(f, g);
      if (k > lo) e[k - 1] = r;
      const dk = d[k] as number;
      const ek = e[k] as number;
      f = c * dk + s * ek;
      e[k] = c * ek - s * dk;
      g = s * (d[k + 1] as number);
      d[k + 1] = c * (d[k + 1] as number);
      rotV(k, k + 1, c, s);
      [c, s, r] = givens(f, g);
      d[k] = r;
      const ek2 = e[k] as number;
      const dk1 = d[k + 1] as number;
      f = c * ek2 + s * dk1;
      d[k + 1] = c * dk1 - s * ek2;
      if (k < hi - 1) {
        g = s * (e[k + 1] as number);
        e[k + 1] = c * (e[k + 1] as number);
      }
      rotU(k, k + 1, c, s);
    }
    e[hi - 1] = f;
  }
}

/**
 * Singular value decomposition A = U·diag(s)·Vᵀ (Golub–Kahan–Reinsch: Householder
 * bidiagonalization and implicit-shift QR, all on contiguous rows). Thin by default.
 * The input is scaled by its largest magnitude first, so huge or tiny entries neither
 * overflow nor underflow. Non-finite input throws `InvalidInputError` naming `a`.
 */
export function svd(a: DenseMatrix, options: SvdOptions = {}): SvdResult {
  assertDenseMatrix(a, 'a');
  assertFinite(a, 'a');
  const thin = assertBooleanOption(options.thin ?? true, 'options.thin');
  return svdWithKernel(a, thin, 'auto');
}

/** `svd` without validation, with a choice of kernels (tests exercise both). */
export function svdWithKernel(a: DenseMatrix, thin: boolean, kernel: KernelChoice): SvdResult {
  const { rows, cols } = a;
  let largest = 0;
  for (let k = 0; k < a.data.length; k++) largest = Math.max(largest, Math.abs(a.data[k] as number));
  const factor = largest > 0 ? 1 / largest : 1;
  const tall = rows >= cols;
  // W = Mᵀ where M = A (tall) or Aᵀ (wide); M is m x n with m >= n.
  const [m, n] = tall ? [rows, cols] : [cols, rows];
  const result = tallSvd(m, n, !thin, kernel, (w) => {
    if (tall) transpose(a, createMatrix(n, m, w));
    else w.set(a.data);
    for (let k = 0; k < w.length; k++) w[k] = (w[k] as number) * factor;
  });
  for (let i = 0; i < n; i++) result.s[i] = (result.s[i] as number) * largest;
  const left = transpose(createMatrix(result.uRows, m, result.ut));
  const right = transpose(createMatrix(n, n, result.vt));
  return tall ? { u: left, s: result.s, v: right } : { u: right, s: result.s, v: left };
}
