import { createMatrix, type DenseMatrix } from '@toolbox/contracts';
import { matmulTransposeA, matmulTransposeB, prepareMatmul } from '@toolbox/math';
import type { Objective } from './_lbfgs.js';

/**
 * The L2-regularised logistic objective, mean log-loss + λ/2·‖W‖², and its gradient:
 * a sigmoid model when `outputs` is 1, multinomial (softmax) otherwise. Parameters
 * are `outputs` rows of `design.cols` weights, row-major; the columns from
 * `penalised` on (the intercept column of ones) are not penalised. Each evaluation
 * is two matrix products through math's kernels — logits Z = X·Wᵀ and gradient
 * Rᵀ·X — and one pass over the n × outputs logits in between; every buffer is
 * allocated once, here, and X is packed for the kernels once (`prepareMatmul`).
 */
export function logisticObjective(
  design: DenseMatrix,
  codes: ArrayLike<number>,
  outputs: number,
  lambda: number,
  penalised: number,
): Objective {
  const { rows: n, cols } = design;
  const weights = createMatrix(outputs, cols);
  const logits = createMatrix(n, outputs);
  const gradient = createMatrix(outputs, cols);
  const x = prepareMatmul(design);
  return (w, grad) => {
    weights.data.set(w);
    matmulTransposeB(x, weights, logits);
    // Logits become residuals P − Y in place.
    const loss =
      outputs === 1 ? sigmoidResiduals(logits.data, codes) : softmaxResiduals(logits.data, codes, outputs);
    matmulTransposeA(logits, x, gradient);
    const g = gradient.data;
    let penalty = 0;
    for (let k = 0, p = 0; k < outputs; k++) {
      for (let j = 0; j < cols; j++, p++) {
        const wp = w[p] as number;
        if (j < penalised) {
          penalty += wp * wp;
          grad[p] = (g[p] as number) / n + lambda * wp;
        } else {
          grad[p] = (g[p] as number) / n;
        }
      }
    }
    return loss / n + 0.5 * lambda * penalty;
  };
}

/** Two classes: Σ log(1 + e^t) − y·t over the logits t, which become σ(t) − y. */
function sigmoidResiduals(z: Float64Array, codes: ArrayLike<number>): number {
  let loss = 0;
  for (let i = 0; i < z.length; i++) {
    const t = z[i] as number;
    const label = codes[i] as number;
    // Stably, with one exp.
    const e = Math.exp(-Math.abs(t));
    loss += Math.max(t, 0) + Math.log1p(e) - (label === 1 ? t : 0);
    z[i] = (t >= 0 ? 1 / (1 + e) : e / (1 + e)) - label;
  }
  return loss;
}

/** K classes: Σ cross-entropy of softmax(z) over the rows of z (n × K), which become P − Y. */
function softmaxResiduals(z: Float64Array, codes: ArrayLike<number>, K: number): number {
  const n = z.length / K;
  let loss = 0;
  for (let i = 0, base = 0; i < n; i++, base += K) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = base; k < base + K; k++) max = Math.max(max, z[k] as number);
    const label = base + (codes[i] as number);
    const labelLogit = z[label] as number;
    let sum = 0;
    for (let k = base; k < base + K; k++) {
      const e = Math.exp((z[k] as number) - max);
      z[k] = e;
      sum += e;
    }
    loss += Math.log(sum) + max - labelLogit;
    const inverse = 1 / sum;
    for (let k = base; k < base + K; k++) z[k] = (z[k] as number) * inverse;
    z[label] = (z[label] as number) - 1;
  }
  return loss;
}
