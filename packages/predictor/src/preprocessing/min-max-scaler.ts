import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { decodeArray, encodeArray } from '../_json.js';
import type { EstimatorJSON, Transformer } from '../estimator.js';
import { ColumnTransformer } from './_column-transformer.js';

export interface MinMaxScalerOptions {
  /** Target range `[low, high]` of every column. Default `[0, 1]`. */
  featureRange?: [number, number];
}

interface MinMaxState {
  min: Float64Array;
  scale: Float64Array;
}

/** Maps each column linearly so its training minimum and maximum land on `featureRange`. */
export class MinMaxScaler
  extends ColumnTransformer<Required<MinMaxScalerOptions>, MinMaxState>
  implements Transformer<Required<MinMaxScalerOptions>>
{
  readonly type = 'MinMaxScaler';

  constructor(options: MinMaxScalerOptions = {}) {
    const featureRange = options.featureRange ?? [0, 1];
    if (
      !Array.isArray(featureRange) ||
      featureRange.length !== 2 ||
      !featureRange.every(Number.isFinite) ||
      featureRange[0] >= featureRange[1]
    ) {
      throw new InvalidInputError(
        `options.featureRange must be [low, high] with low < high, got ${JSON.stringify(featureRange)}`,
        { details: { argument: 'options.featureRange' } },
      );
    }
    super({ featureRange: [featureRange[0], featureRange[1]] });
  }

  protected learn(X: DenseMatrix): MinMaxState {
    const { rows, cols, data } = X;
    const low = new Float64Array(cols).fill(Number.POSITIVE_INFINITY);
    const high = new Float64Array(cols).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j] as number;
        if (v < (low[j] as number)) low[j] = v;
        if (v > (high[j] as number)) high[j] = v;
      }
    }
    const [a, b] = this.params.featureRange;
    const scale = new Float64Array(cols);
    const min = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      const range = (high[j] as number) - (low[j] as number);
      scale[j] = (b - a) / (range > 0 ? range : 1);
      min[j] = a - (low[j] as number) * (scale[j] as number);
    }
    return { min, scale };
  }

  protected apply(X: DenseMatrix, { min, scale }: MinMaxState): DenseMatrix {
    const { rows, cols, data } = X;
    const out = new Float64Array(rows * cols);
    for (let k = 0; k < data.length; k++) {
      const j = k % cols;
      out[k] = (data[k] as number) * (scale[j] as number) + (min[j] as number);
    }
    return { rows, cols, data: out };
  }

  protected encodeState(state: MinMaxState): unknown {
    return { min: encodeArray(state.min), scale: encodeArray(state.scale) };
  }

  protected decodeState(json: unknown): MinMaxState {
    const { min, scale } = json as { min: number[]; scale: number[] };
    return { min: decodeArray(min), scale: decodeArray(scale) };
  }

  static fromJSON(json: EstimatorJSON): MinMaxScaler {
    return new MinMaxScaler((json as EstimatorJSON<MinMaxScalerOptions>)?.params ?? {}).restore(json);
  }
}
