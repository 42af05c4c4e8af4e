import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { decodeArray, encodeArray } from '../_json.js';
import { oneOf } from '../_validate.js';
import type { EstimatorJSON, Transformer } from '../estimator.js';
import { ColumnTransformer } from './_column-transformer.js';

export type ImputeStrategy = 'mean' | 'median' | 'mostFrequent' | 'constant';

export interface SimpleImputerOptions {
  /** How to fill a column's missing values. Default `'mean'`. */
  strategy?: ImputeStrategy;
  /** The fill value of `'constant'`. Default 0. */
  fillValue?: number;
}

/** Replaces NaN with a per-column statistic learned in `fit` (ties of `'mostFrequent'` go to the smallest value). */
export class SimpleImputer
  extends ColumnTransformer<Required<SimpleImputerOptions>, Float64Array>
  implements Transformer<Required<SimpleImputerOptions>>
{
  readonly type = 'SimpleImputer';
  protected override readonly acceptsNaN = true;

  constructor(options: SimpleImputerOptions = {}) {
    const params = { strategy: 'mean' as ImputeStrategy, fillValue: 0, ...options };
    oneOf(params.strategy, ['mean', 'median', 'mostFrequent', 'constant'], 'options.strategy');
    if (typeof params.fillValue !== 'number' || !Number.isFinite(params.fillValue)) {
      throw new InvalidInputError(
        `options.fillValue must be a finite number, got ${String(params.fillValue)}`,
        {
          details: { argument: 'options.fillValue' },
        },
      );
    }
    super(params);
  }

  /** The value each column's missing entries are replaced with. */
  get statistics(): Float64Array {
    return this.fittedState('statistics').slice();
  }

  protected learn(X: DenseMatrix): Float64Array {
    const { rows, cols, data } = X;
    const { strategy, fillValue } = this.params;
    const out = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      if (strategy === 'constant') {
        out[j] = fillValue;
        continue;
      }
      const observed: number[] = [];
      for (let i = 0; i < rows; i++) {
        const v = data[i * cols + j] as number;
        if (!Number.isNaN(v)) observed.push(v);
      }
      if (observed.length === 0) {
        throw new InvalidInputError(
          `X column ${j} has no observed values, so strategy '${strategy}' cannot fill it (use 'constant')`,
          { details: { argument: 'X', col: j } },
        );
      }
      const sorted = Float64Array.from(observed).sort();
      if (strategy === 'mean') out[j] = observed.reduce((a, b) => a + b, 0) / observed.length;
      else if (strategy === 'median') {
        const mid = sorted.length >> 1;
        out[j] =
          sorted.length % 2 === 1
            ? (sorted[mid] as number)
            : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
      } else {
        let best = sorted[0] as number;
        let bestCount = 0;
        let run = 0;
        for (let k = 0; k < sorted.length; k++) {
          run = k > 0 && sorted[k] === sorted[k - 1] ? run + 1 : 1;
          if (run > bestCount) {
            bestCount = run;
            best = sorted[k] as number;
          }
        }
        out[j] = best;
      }
    }
    return out;
  }

  protected apply(X: DenseMatrix, statistics: Float64Array): DenseMatrix {
    const { rows, cols, data } = X;
    const out = data.slice();
    for (let k = 0; k < out.length; k++) if (Number.isNaN(out[k])) out[k] = statistics[k % cols] as number;
    return { rows, cols, data: out };
  }

  protected encodeState(state: Float64Array): unknown {
    return encodeArray(state);
  }

  protected decodeState(json: unknown): Float64Array {
    return decodeArray(json as number[]);
  }

  static fromJSON(json: EstimatorJSON): SimpleImputer {
    return new SimpleImputer((json as EstimatorJSON<SimpleImputerOptions>)?.params ?? {}).restore(json);
  }
}
