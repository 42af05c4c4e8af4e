import { applyReflector, reflector, swapAt } from './_householder.js';

/**
 * Householder QR of M (m x n) held as W = Mᵀ (n rows of length m), in place: row j of
 * W ends as column j of R above the diagonal and the reflector tail below it.
 */
export interface QrFactors {
  /** Mᵀ, overwritten: W[j][i] = R[i][j] for i <= j, reflector k's tail in W[k][k+1..m). */
  w: Float64Array;
  m: number;
  n: number;
  tau: Float64Array;
  /** Column permutation (QR with column pivoting): column k of R is column perm[k] of M. */
  perm: Int32Array;
}

/** Factors in place; with `pivot`, picks the remaining column of largest norm at each step. */
export function factorQr(w: Float64Array, m: number, n: number, pivot: boolean): QrFactors {
  const p = Math.min(m, n);
  const tau = new Float64Array(p);
  const perm = new Int32Array(n);
  for (let j = 0; j < n; j++) perm[j] = j;
  const norms = new Float64Array(pivot ? n : 0);
  const exact = new Float64Array(pivot ? n : 0);
  const columnNorm = (j: number, from: number) => {
    let s = 0;
    for (let i = from; i < m; i++) s += (w[j * m + i] as number) ** 2;
    return Math.sqrt(s);
  };
  if (pivot) {
    for (let j = 0; j < n; j++) {
      norms[j] = columnNorm(j, 0);
      exact[j] = norms[j] as number;
    }
  }
  for (let k = 0; k < p; k++) {
    if (pivot) {
      let best = k;
      for (let j = k + 1; j < n; j++) if ((norms[j] as number) > (norms[best] as number)) best = j;
      if (best !== k) {
        swapAt(w, k * m, best * m, m);
        [perm[k], perm[best]] = [perm[best] as number, perm[k] as number];
        [norms[k], norms[best]] = [norms[best] as number, norms[k] as number];
        [exact[k], exact[best]] = [exact[best] as number, exact[k] as number];
      }
    }
    const t = reflector(w, k * m + k, m - k);
    tau[k] = t;
    if (t !== 0) {
      for (let j = k + 1; j < n; j++) applyReflector(t, w, k * m + k, w, j * m + k, m - k);
    }
    if (pivot) {
      // Downdate the partial column norms (LAPACK dlaqp2), recomputing on cancellation.
      for (let j = k + 1; j < n; j++) {
        const norm = norms[j] as number;
        if (norm === 0) continue;
        const ratio = Math.abs(w[j * m + k] as number) / norm;
        const factor = Math.max(0, (1 - ratio) * (1 + ratio));
        const updated = norm * Math.sqrt(factor);
        if (factor * (norm / (exact[j] as number)) ** 2 <= 1e-8) {
          norms[j] = columnNorm(j, k + 1);
          exact[j] = norms[j] as number;
        } else {
          norms[j] = updated;
        }
      }
    }
  }
  return { w, m, n, tau, perm };
}

/**
 * Accumulates Q's columns 0..cols) (cols = min(m, n) for thin, m for full) as the rows of
 * a cols x m array, by backward accumulation of the reflectors.
 */
export function formQt(f: QrFactors, cols: number): Float64Array {
  const { w, m, tau } = f;
  const qt = new Float64Array(cols * m);
  for (let j = 0; j < cols; j++) qt[j * m + j] = 1;
  for (let k = tau.length - 1; k >= 0; k--) {
    const t = tau[k] as number;
    if (t === 0) continue;
    for (let j = k; j < cols; j++) applyReflector(t, w, k * m + k, qt, j * m + k, m - k);
  }
  return qt;
}

/** Applies Qᵀ to each row of `bt` (k rows of length m, the columns of B), in place. */
export function applyQt(f: QrFactors, bt: Float64Array, k: number): void {
  const { w, m, tau } = f;
  for (let r = 0; r < tau.length; r++) {
    const t = tau[r] as number;
    if (t === 0) continue;
    for (let c = 0; c < k; c++) applyReflector(t, w, r * m + r, bt, c * m + r, m - r);
  }
}
