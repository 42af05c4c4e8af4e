import { assertDenseMatrix, createMatrix, type DenseMatrix } from '@toolbox/contracts';
import { assertBooleanOption, assertFinite } from './_check.js';
import { factorQr, formQt } from './_qr-core.js';
import { transpose } from './transpose.js';

export interface QrOptions {
  /** Thin (economy) factors: Q is m x min(m, n) and R is min(m, n) x n. Default true; false gives an m x m Q and m x n R. */
  thin?: boolean;
}

export interface QrResult {
  /** Orthonormal columns. */
  q: DenseMatrix;
  /** Upper triangular (trapezoidal when n > m). */
  r: DenseMatrix;
}

/** Householder QR: A = Q·R. Non-finite input throws `InvalidInputError` naming `a`. */
export function qr(a: DenseMatrix, options: QrOptions = {}): QrResult {
  assertDenseMatrix(a, 'a');
  assertFinite(a, 'a');
  const thin = assertBooleanOption(options.thin ?? true, 'options.thin');
  const { rows: m, cols: n } = a;
  const factors = factorQr(transpose(a).data, m, n, false);
  const qCols = thin ? Math.min(m, n) : m;
  const q = transpose(createMatrix(qCols, m, formQt(factors, qCols)));
  const r = createMatrix(qCols, n);
  const w = factors.w;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= Math.min(j, qCols - 1); i++) r.data[i * n + j] = w[j * m + i] as number;
  }
  return { q, r };
}
