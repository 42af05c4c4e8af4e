import type { DenseMatrix } from '@toolbox/contracts';
import { matmulTransposeB } from '@toolbox/math';
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
import { gramPreconditioner } from './_gram-preconditioner.js';
import { minimizeLbfgs } from './_lbfgs.js';
import { booleanOption } from './_linear.js';
import { logisticObjective } from './_logistic-objective.js';

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
 * Precondition L-BFGS by the features' second moments only above this many columns:
 * with few features its 10 correction pairs soon capture their correlations, and the
 * Gram matrix would cost more than the iterations it saves.
 */
const PRECONDITION_MIN_COLUMNS = 32;

/**
 * The columns of X the optimiser works on: those not entirely zero (an all-zero
 * column's weights have gradient λ·w, so from the zero start they stay exactly 0 —
 * leaving it out changes nothing but the work), then a column of ones whose weights
 * are the intercepts when `fitIntercept`.
 */
function designMatrix(X: DenseMatrix, fitIntercept: boolean): { design: DenseMatrix; kept: number[] } {
  const { rows, cols, data } = X;
  const kept: number[] = [];
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) {
      if (data[i * cols + j] !== 0) {
        kept.push(j);
        break;
      }
    }
  }
  const D = kept.length + (fitIntercept ? 1 : 0);
  const out = new Float64Array(rows * D);
  for (let i = 0; i < rows; i++) {
    kept.forEach((j, c) => {
      out[i * D + c] = data[i * cols + j] as number;
    });
    if (fitIntercept) out[i * D + D - 1] = 1;
  }
  return { design: { rows, cols: D, data: out }, kept };
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
    const { design, kept } = designMatrix(matrix, fitIntercept);
    const D = design.cols;
    const objective = logisticObjective(design, codes, outputs, lambda, kept.length);
    const result = minimizeLbfgs(objective, new Float64Array(outputs * D), {
      maxIter: this.params.maxIter,
      tol: this.params.tol,
      precondition: D > PRECONDITION_MIN_COLUMNS ? gramPreconditioner(design, outputs) : undefined,
    });
    const coef = new Float64Array(outputs * d);
    const intercept = new Float64Array(outputs);
    for (let k = 0; k < outputs; k++) {
      kept.forEach((j, c) => {
        coef[k * d + j] = result.x[k * D + c] as number;
      });
      if (fitIntercept) intercept[k] = result.x[k * D + D - 1] as number;
    }
    this.fittedState = {
      classes,
      coef,
      intercept,
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
    const logits = matmulTransposeB(matrix, { rows: outputs, cols: d, data: coef }).data;
    const { rows } = matrix;
    const K = classes.length;
    const out = new Float64Array(rows * K);
    for (let i = 0; i < rows; i++) {
      if (outputs === 1) {
        const p = 1 / (1 + Math.exp(-((logits[i] as number) + (intercept[0] as number))));
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
        continue;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        const t = (logits[i * K + k] as number) + (intercept[k] as number);
        logits[i * K + k] = t;
        max = Math.max(max, t);
      }
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp((logits[i * K + k] as number) - max);
        out[i * K + k] = e;
        sum += e;
      }
      for (let k = 0; k < K; k++) out[i * K + k] = (out[i * K + k] as number) / sum;
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
