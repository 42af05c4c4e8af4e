import type { DenseMatrix } from '@toolbox/contracts';
import { gram, matmulTransposeA, solveSPD } from '@toolbox/math';
import { nonNegativeNumber } from '../_validate.js';
import type { EstimatorJSON } from '../estimator.js';
import { booleanOption, LinearModel } from './_linear.js';

export interface RidgeOptions {
  /** L2 penalty on the coefficients (not the intercept), ≥ 0. Default 1. */
  alpha?: number;
  /** Fit an intercept (centre X and y first). Default true. */
  fitIntercept?: boolean;
}

/** Least squares with an L2 penalty: (XᵀX + αI) w = Xᵀy by Cholesky (math's `gram` + `solveSPD`). */
export class Ridge extends LinearModel<Required<RidgeOptions>> {
  readonly type = 'Ridge';
  protected readonly fitIntercept: boolean;

  constructor(options: RidgeOptions = {}) {
    const params = {
      alpha: nonNegativeNumber(options.alpha ?? 1, 'options.alpha'),
      fitIntercept: booleanOption(options.fitIntercept ?? true, 'options.fitIntercept'),
    };
    super(params);
    this.fitIntercept = params.fitIntercept;
  }

  protected solve(Xc: DenseMatrix, yc: Float64Array): Float64Array {
    const a = gram(Xc);
    for (let j = 0; j < a.cols; j++)
      a.data[j * a.cols + j] = (a.data[j * a.cols + j] as number) + this.params.alpha;
    const b = matmulTransposeA(Xc, { rows: yc.length, cols: 1, data: yc });
    return solveSPD(a, b.data);
  }

  static fromJSON(json: EstimatorJSON): Ridge {
    return new Ridge((json as EstimatorJSON<RidgeOptions>)?.params ?? {}).restore(json);
  }
}
