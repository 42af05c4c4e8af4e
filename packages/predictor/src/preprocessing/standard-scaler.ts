import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { columnMeans, columnStd } from '@toolbox/math';
import { decodeArray, encodeArray } from '../_json.js';
import { checkColumns, checkMatrix } from '../_validate.js';
import type { EstimatorJSON, Transformer } from '../estimator.js';
import { ColumnTransformer } from './_column-transformer.js';

export interface StandardScalerOptions {
  /** Subtract each column's mean. Default true. */
  withMean?: boolean;
  /** Divide by each column's (population) standard deviation; constant columns are left unscaled. Default true. */
  withStd?: boolean;
}

interface ScalerState {
  mean: Float64Array;
  scale: Float64Array;
}

/** Standardises each column to mean 0 and standard deviation 1. */
export class StandardScaler
  extends ColumnTransformer<Required<StandardScalerOptions>, ScalerState>
  implements Transformer<Required<StandardScalerOptions>>
{
  readonly type = 'StandardScaler';

  constructor(options: StandardScalerOptions = {}) {
    const params = { withMean: true, withStd: true, ...options };
    for (const key of ['withMean', 'withStd'] as const) {
      if (typeof params[key] !== 'boolean') {
        throw new InvalidInputError(`options.${key} must be a boolean, got ${String(params[key])}`, {
          details: { argument: `options.${key}` },
        });
      }
    }
    super(params);
  }

  /** Per-column means (zeros when `withMean` is false). */
  get mean(): Float64Array {
    return (this.state?.mean ?? new Float64Array(0)).slice();
  }

  /** Per-column divisors (ones when `withStd` is false or the column is constant). */
  get scale(): Float64Array {
    return (this.state?.scale ?? new Float64Array(0)).slice();
  }

  protected learn(X: DenseMatrix): ScalerState {
    const means = columnMeans(X);
    const mean = this.params.withMean ? means : new Float64Array(X.cols);
    const scale = this.params.withStd ? columnStd(X, { ddof: 0, means }) : new Float64Array(X.cols).fill(1);
    for (let j = 0; j < scale.length; j++) if (!((scale[j] as number) > 0)) scale[j] = 1;
    return { mean, scale };
  }

  protected apply(X: DenseMatrix, { mean, scale }: ScalerState): DenseMatrix {
    const { rows, cols, data } = X;
    const out = new Float64Array(rows * cols);
    const inverse = scale.map((s) => 1 / s);
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++)
        out[base + j] = ((data[base + j] as number) - (mean[j] as number)) * (inverse[j] as number);
    }
    return { rows, cols, data: out };
  }

  /** Maps scaled values back to the original units. */
  inverseTransform(X: DenseMatrix): DenseMatrix {
    const { mean, scale } = this.fittedState('inverseTransform');
    const { rows, cols, data } = checkMatrix(X, 'X');
    checkColumns(X, this.nFeatures, this.type);
    const out = new Float64Array(rows * cols);
    for (let k = 0; k < data.length; k++) {
      const j = k % cols;
      out[k] = (data[k] as number) * (scale[j] as number) + (mean[j] as number);
    }
    return { rows, cols, data: out };
  }

  protected encodeState(state: ScalerState): unknown {
    return { mean: encodeArray(state.mean), scale: encodeArray(state.scale) };
  }

  protected decodeState(json: unknown): ScalerState {
    const { mean, scale } = json as { mean: number[]; scale: number[] };
    return { mean: decodeArray(mean), scale: decodeArray(scale) };
  }

  static fromJSON(json: EstimatorJSON): StandardScaler {
    return new StandardScaler((json as EstimatorJSON<StandardScalerOptions>)?.params ?? {}).restore(json);
  }
}
