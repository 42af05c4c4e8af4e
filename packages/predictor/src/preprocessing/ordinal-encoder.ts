import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { oneOf } from '../_validate.js';
import type { EstimatorJSON, Transformer } from '../estimator.js';
import { categoryMaps, learnCategories, unknownCategory } from './_categories.js';
import { ColumnTransformer, columnsOption, selectedColumns } from './_column-transformer.js';

export interface OrdinalEncoderOptions {
  /** Columns to encode; the others pass through unchanged. Default `null`: all. */
  columns?: number[] | null;
  /** `'error'` (default) throws on a category not seen in fit; `'useEncodedValue'` writes `unknownValue`. */
  handleUnknown?: 'error' | 'useEncodedValue';
  /** Code of an unseen category under `'useEncodedValue'`. Default -1. */
  unknownValue?: number;
}

interface OrdinalState {
  columns: number[];
  categories: number[][];
}

/** Replaces each selected column's values by their rank among the categories seen in fit (0, 1, ...). */
export class OrdinalEncoder
  extends ColumnTransformer<Required<OrdinalEncoderOptions>, OrdinalState>
  implements Transformer<Required<OrdinalEncoderOptions>>
{
  readonly type = 'OrdinalEncoder';

  constructor(options: OrdinalEncoderOptions = {}) {
    const unknownValue = options.unknownValue ?? -1;
    if (typeof unknownValue !== 'number' || !Number.isFinite(unknownValue)) {
      throw new InvalidInputError(
        `options.unknownValue must be a finite number, got ${String(unknownValue)}`,
        {
          details: { argument: 'options.unknownValue' },
        },
      );
    }
    super({
      columns: columnsOption(options.columns, 'OrdinalEncoder'),
      handleUnknown: oneOf(
        options.handleUnknown ?? 'error',
        ['error', 'useEncodedValue'],
        'options.handleUnknown',
      ),
      unknownValue,
    });
  }

  get categories(): number[][] {
    return this.fittedState('categories').categories.map((values) => [...values]);
  }

  protected learn(X: DenseMatrix): OrdinalState {
    const columns = selectedColumns(this.params.columns, X.cols, this.type).sort((a, b) => a - b);
    return { columns, categories: learnCategories(X, columns) };
  }

  protected apply(X: DenseMatrix, { columns, categories }: OrdinalState): DenseMatrix {
    const { rows, cols, data } = X;
    const out = data.slice();
    const maps = categoryMaps(categories);
    columns.forEach((j, c) => {
      const map = maps[c] as Map<number, number>;
      for (let i = 0; i < rows; i++) {
        const v = data[i * cols + j] as number;
        const k = map.get(v);
        if (k !== undefined) out[i * cols + j] = k;
        else if (this.params.handleUnknown === 'error')
          throw unknownCategory(this.type, i, j, v, categories[c] as number[]);
        else out[i * cols + j] = this.params.unknownValue;
      }
    });
    return { rows, cols, data: out };
  }

  protected encodeState(state: OrdinalState): unknown {
    return state;
  }

  protected decodeState(json: unknown): OrdinalState {
    return json as OrdinalState;
  }

  static fromJSON(json: EstimatorJSON): OrdinalEncoder {
    return new OrdinalEncoder((json as EstimatorJSON<OrdinalEncoderOptions>)?.params ?? {}).restore(json);
  }
}
