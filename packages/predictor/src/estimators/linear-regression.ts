import type { DenseMatrix } from '@toolbox/contracts';
import { leastSquares } from '@toolbox/math';
import type { EstimatorJSON } from '../estimator.js';
import { booleanOption, LinearModel } from './_linear.js';

export interface LinearRegressionOptions {
  /** Fit an intercept (centre X and y first). Default true. */
  fitIntercept?: boolean;
}

/**
 * Ordinary least squares by pivoted QR (math's `leastSquares`); rank-deficient X
 * gets the minimum-norm solution.
 */
export class LinearRegression extends LinearModel<Required<LinearRegressionOptions>> {
  readonly type = 'LinearRegression';
  protected readonly fitIntercept: boolean;
  private fittedRank = 0;

  constructor(options: LinearRegressionOptions = {}) {
    const fitIntercept = booleanOption(options.fitIntercept ?? true, 'options.fitIntercept');
    super({ fitIntercept });
    this.fitIntercept = fitIntercept;
  }

  /** Numerical rank of the (centred) X of the last fit. */
  get rank(): number {
    return this.fittedRank;
  }

  protected solve(Xc: DenseMatrix, yc: Float64Array): Float64Array {
    const { x, rank } = leastSquares(Xc, yc);
    this.fittedRank = rank;
    return x;
  }

  static fromJSON(json: EstimatorJSON): LinearRegression {
    return new LinearRegression((json as EstimatorJSON<LinearRegressionOptions>)?.params ?? {}).restore(json);
  }
}
