/**
 * Test-only reference implementations: textbook loops, written for clarity rather than
 * speed, that the kernels are checked against. Not exported from the package.
 */
import { createMatrix, type DenseMatrix } from '@toolbox/contracts';

/** Deterministic matrix with entries in [-1, 1) from a 32-bit seed (mulberry32). */
export function randomMatrix(rows: number, cols: number, seed: number): DenseMatrix {
  let state = seed >>> 0;
  const m = createMatrix(rows, cols);
  for (let k = 0; k < m.data.length; k++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    m.data[k] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return m;
}

export function get(m: DenseMatrix, i: number, j: number): number {
  return m.data[i * m.cols + j] as number;
}

export function naiveMatmul(a: DenseMatrix, b: DenseMatrix): DenseMatrix {
  const out = createMatrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += get(a, i, p) * get(b, p, j);
      out.data[i * b.cols + j] = s;
    }
  }
  return out;
}

export function naiveTranspose(a: DenseMatrix): DenseMatrix {
  const out = createMatrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = get(a, i, j);
  return out;
}

export function identity(n: number): DenseMatrix {
  const out = createMatrix(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  return out;
}

/** Largest absolute element-wise difference (shapes must agree). */
export function maxAbsDiff(a: DenseMatrix, b: DenseMatrix): number {
  if (a.rows !== b.rows || a.cols !== b.cols) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let k = 0; k < a.data.length; k++)
    worst = Math.max(worst, Math.abs((a.data[k] as number) - (b.data[k] as number)));
  return worst;
}

/** U·diag(s)·Vᵀ. */
export function recompose(u: DenseMatrix, s: Float64Array, v: DenseMatrix): DenseMatrix {
  const out = createMatrix(u.rows, v.rows);
  for (let i = 0; i < u.rows; i++) {
    for (let j = 0; j < v.rows; j++) {
      let sum = 0;
      for (let k = 0; k < s.length; k++) sum += get(u, i, k) * (s[k] as number) * get(v, j, k);
      out.data[i * v.rows + j] = sum;
    }
  }
  return out;
}

/** ‖XᵀX − I‖max: how far the columns of x are from orthonormal. */
export function orthogonalityError(x: DenseMatrix): number {
  return maxAbsDiff(naiveMatmul(naiveTranspose(x), x), identity(x.cols));
}

/**
 * Singular values by the textbook one-sided Jacobi method (Hestenes): rotate column
 * pairs until all are orthogonal; the column norms are the singular values (descending).
 */
export function naiveSingularValues(a: DenseMatrix): number[] {
  const work = a.rows >= a.cols ? naiveTranspose(a) : createMatrix(a.rows, a.cols, Float64Array.from(a.data));
  const n = work.rows;
  const m = work.cols;
  const col = (j: number) => work.data.subarray(j * m, (j + 1) * m);
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const x = col(p);
        const y = col(q);
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += (x[i] as number) ** 2;
          beta += (y[i] as number) ** 2;
          gamma += (x[i] as number) * (y[i] as number);
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const xi = x[i] as number;
          const yi = y[i] as number;
          x[i] = c * xi - s * yi;
          y[i] = s * xi + c * yi;
        }
      }
    }
    if (!rotated) break;
  }
  const values: number[] = [];
  for (let j = 0; j < n; j++) values.push(Math.hypot(...col(j)));
  return values.sort((p, q) => q - p);
}
