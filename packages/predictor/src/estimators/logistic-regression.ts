import { createMatrix, type DenseMatrix } from '@toolbox/contracts';
import { matmulTransposeA, matmulTransposeB } from '@toolbox/math';
import { checkJSON } from '../_json.js';
import {
  checkColumns,
  checkMatrix,
  checkTarget,
  encodeClasses,
  positiveInteger,
  positiveNumber,
} from '../_validate.js';
import { NotFittedError } from '../errors.js';
import type { Classifier, EstimatorJSON } from '../estimator.js';
import { minimizeLbfgs } from './_lbfgs.js';
import { booleanOption } from './_linear.js';

export interface LogisticRegressionOptions {
  /** Inverse L2 strength: the objective is mean log-loss + ‖W‖² / (2·C·n). Default 1. */
  C?: number;
  /** L-BFGS iteration cap. Default 100. */
  maxIter?: number;
  /** Stop when every gradient component is at most this. Default 1e-4. */
  tol?: number;
  /** Fit (unpenalised) intercepts. Default true. */
  fitIntercept?: boolean;
}

export type LogisticRegressionParams = Required<LogisticRegressionOptions>;

/** How the last fit's optimisation ended. */
export interface Convergence {
  converged: boolean;
  iterations: number;
  /** Final objective value. */
  loss: number;
  gradientMaxAbs: number;
}

interface LogisticState {
  classes: number[];
  /** Row-major: one row of `cols` weights per output (1 for two classes, else one per class). */
  coef: number[];
  intercept: number[];
  convergence: Convergence;
}

/**
 * L2-regularised logistic regression by L-BFGS: a sigmoid model for two classes,
 * multinomial (softmax) for more — scikit-learn's `lbfgs` objective and stopping rule.
 */
export class LogisticRegression implements Classifier<LogisticRegressionParams> {
  readonly type = 'LogisticRegression';
  readonly kind = 'classifier';
  readonly params: Readonly<LogisticRegressionParams>;
  private fittedState:
    | { classes: Float64Array; coef: Float64Array; intercept: Float64Array; convergence: Convergence }
    | undefined;

  constructor(options: LogisticRegressionOptions = {}) {
    this.params = Object.freeze({
      C: positiveNumber(options.C ?? 1, 'options.C'),
      maxIter: positiveInteger(options.maxIter ?? 100, 'options.maxIter'),
      tol: positiveNumber(options.tol ?? 1e-4, 'options.tol'),
      fitIntercept: booleanOption(options.fitIntercept ?? true, 'options.fitIntercept'),
    });
  }

  get fitted(): boolean {
    return this.fittedState !== undefined;
  }

  get classes(): Float64Array {
    return this.state('classes').classes.slice();
  }

  /** Outputs × features weights, row-major (1 row for two classes). */
  get coef(): DenseMatrix {
    const { coef, intercept } = this.state('coef');
    return { rows: intercept.length, cols: coef.length / intercept.length, data: coef.slice() };
  }

  get intercept(): Float64Array {
    return this.state('intercept').intercept.slice();
  }

  /** Iterations, final loss and whether the gradient tolerance was met. */
  get convergence(): Convergence {
    return { ...this.state('convergence').convergence };
  }

  private state(method: string) {
    if (this.fittedState === undefined) throw new NotFittedError(this.type, method);
    return this.fittedState;
  }

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    const matrix = checkMatrix(X, 'X');
    const target = checkTarget(y, matrix.rows, 'y');
    const { classes, codes } = encodeClasses(target, 'y');
    const { rows: n, cols: d } = matrix;
    const outputs = classes.length === 2 ? 1 : classes.length;
    const lambda = 1 / (this.params.C * n);
    const fitIntercept = this.params.fitIntercept;
    const biasOffset = outputs * d;
    // Logits Z = X·Wᵀ and gradient Rᵀ·X through math's matrix products; the
    // per-row softmax and residuals in between are a plain loop.
    const logits = createMatrix(n, outputs);
    const residuals = createMatrix(n, outputs);
    const gradient = createMatrix(outputs, d);
    const zeroBias = new Float64Array(outputs);
    const objective = (w: Float64Array, grad: Float64Array): number => {
      const weights = createMatrix(outputs, d, w.subarray(0, biasOffset));
      matmulTransposeB(matrix, weights, logits);
      const z = logits.data;
      const r = residuals.data;
      const bias = fitIntercept ? w.subarray(biasOffset) : zeroBias;
      let loss = 0;
      if (outputs === 1) {
        const b = bias[0] as number;
        for (let i = 0; i < n; i++) {
          const t = (z[i] as number) + b;
          const label = codes[i] as number;
          // log(1 + e^t) − y·t and σ(t), stably, with one exp.
          const e = Math.exp(-Math.abs(t));
          loss += Math.max(t, 0) + Math.log1p(e) - (label === 1 ? t : 0);
          r[i] = (t >= 0 ? 1 / (1 + e) : e / (1 + e)) - label;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const base = i * outputs;
          let max = Number.NEGATIVE_INFINITY;
          for (let k = 0; k < outputs; k++) {
            const t = (z[base + k] as number) + (bias[k] as number);
            z[base + k] = t;
            if (t > max) max = t;
          }
          let sum = 0;
          for (let k = 0; k < outputs; k++) {
            const e = Math.exp((z[base + k] as number) - max);
            r[base + k] = e;
            sum += e;
          }
          const label = codes[i] as number;
          loss += Math.log(sum) + max - (z[base + label] as number);
          const inverse = 1 / sum;
          for (let k = 0; k < outputs; k++) r[base + k] = (r[base + k] as number) * inverse;
          r[base + label] = (r[base + label] as number) - 1;
        }
      }
      matmulTransposeA(residuals, matrix, gradient);
      const g = gradient.data;
      let penalty = 0;
      for (let p = 0; p < biasOffset; p++) {
        const wp = w[p] as number;
        penalty += wp * wp;
        grad[p] = (g[p] as number) / n + lambda * wp;
      }
      for (let k = 0; k < outputs; k++) {
        let sum = 0;
        if (fitIntercept) for (let i = 0; i < n; i++) sum += r[i * outputs + k] as number;
        grad[biasOffset + k] = sum / n;
      }
      return loss / n + 0.5 * lambda * penalty;
    };
    const result = minimizeLbfgs(objective, new Float64Array(biasOffset + outputs), {
      maxIter: this.params.maxIter,
      tol: this.params.tol,
    });
    this.fittedState = {
      classes,
      coef: result.x.slice(0, biasOffset),
      intercept: fitIntercept ? result.x.slice(biasOffset) : new Float64Array(outputs),
      convergence: {
        converged: result.converged,
        iterations: result.iterations,
        loss: result.value,
        gradientMaxAbs: result.gradientMaxAbs,
      },
    };
    return this;
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    const { classes, coef, intercept } = this.state('predictProba');
    const matrix = checkMatrix(X, 'X');
    const outputs = intercept.length;
    const d = coef.length / outputs;
    checkColumns(matrix, d, this.type);
    const { rows, data } = matrix;
    const K = classes.length;
    const out = new Float64Array(rows * K);
    const z = new Float64Array(outputs);
    for (let i = 0; i < rows; i++) {
      const rowBase = i * d;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < outputs; k++) {
        let t = intercept[k] as number;
        for (let j = 0; j < d; j++) t += (coef[k * d + j] as number) * (data[rowBase + j] as number);
        z[k] = t;
        if (t > max) max = t;
      }
      if (outputs === 1) {
        const p = 1 / (1 + Math.exp(-(z[0] as number)));
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
        continue;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp((z[k] as number) - max);
      for (let k = 0; k < K; k++) out[i * K + k] = Math.exp((z[k] as number) - max) / sum;
    }
    return { rows, cols: K, data: out };
  }

  predict(X: DenseMatrix): Float64Array {
    const proba = this.predictProba(X);
    const classes = this.state('predict').classes;
    const out = new Float64Array(proba.rows);
    for (let i = 0; i < proba.rows; i++) {
      let best = 0;
      for (let k = 1; k < proba.cols; k++) {
        if ((proba.data[i * proba.cols + k] as number) > (proba.data[i * proba.cols + best] as number))
          best = k;
      }
      out[i] = classes[best] as number;
    }
    return out;
  }

  toJSON(): EstimatorJSON<LogisticRegressionParams, LogisticState> {
    const s = this.fittedState;
    return {
      type: this.type,
      version: 1,
      params: { ...this.params },
      state:
        s === undefined
          ? null
          : {
              classes: Array.from(s.classes),
              coef: Array.from(s.coef),
              intercept: Array.from(s.intercept),
              convergence: { ...s.convergence },
            },
    };
  }

  static fromJSON(json: EstimatorJSON): LogisticRegression {
    const { params, state } = checkJSON<LogisticRegressionParams, LogisticState>(json, 'LogisticRegression');
    const model = new LogisticRegression(params);
    if (state !== null) {
      model.fittedState = {
        classes: Float64Array.from(state.classes),
        coef: Float64Array.from(state.coef),
        intercept: Float64Array.from(state.intercept),
        convergence: { ...state.convergence },
      };
    }
    return model;
  }
}
