import { createMatrix, type DenseMatrix } from '@toolbox/contracts';
import { gram, matmul, solveSPD } from '@toolbox/math';

/**
 * L-BFGS preconditioner for a linear model on `design` (n × D) with `outputs` rows of
 * D parameters: applies M = (XᵀX/n + μI)⁻¹ to each row, μ being half the mean
 * diagonal of XᵀX/n. The loss Hessian of such a model is Xᵀ·diag(·)·X / n, so M
 * removes the correlation between features that slows L-BFGS down from γ·I; μ keeps
 * M well conditioned where features are nearly collinear or constant.
 */
export function gramPreconditioner(design: DenseMatrix, outputs: number): (v: Float64Array) => void {
  const { rows: n, cols: D } = design;
  const second = gram(design);
  const s = second.data;
  let trace = 0;
  for (let j = 0; j < D; j++) trace += s[j * D + j] as number;
  const mu = trace > 0 ? (0.5 * trace) / (n * D) : 1;
  for (let p = 0; p < s.length; p++) s[p] = (s[p] as number) / n;
  for (let j = 0; j < D; j++) s[j * D + j] = (s[j * D + j] as number) + mu;
  const identity = createMatrix(D, D);
  for (let j = 0; j < D; j++) identity.data[j * D + j] = 1;
  const inverse = solveSPD(second, identity);
  const out = createMatrix(outputs, D);
  return (v) => {
    matmul(createMatrix(outputs, D, v), inverse, out);
    v.set(out.data);
  };
}
