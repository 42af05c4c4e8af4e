import type { DenseMatrix } from '@toolbox/contracts';
import { oneOf } from '../_validate.js';
import type { EstimatorJSON, Transformer } from '../estimator.js';
import { categoryMaps, learnCategories, unknownCategory } from './_categories.js';
import { ColumnTransformer, columnsOption, selectedColumns } from './_column-transformer.js';

export interface OneHotEncoderOptions {
  /** Columns to encode; the others pass through unchanged. Default `null`: all. */
  columns?: number[] | null;
  /** `'error'` (default) throws on a category not seen in fit; `'ignore'` encodes it as all zeros. */
  handleUnknown?: 'error' | 'ignore';
}

interface OneHotState {
  columns: number[];
  categories: number[][];
}

/**
 * Replaces each selected column (numeric category codes) by one 0/1 column per
 * category seen in fit, in place; other columns keep their position.
 */
export class OneHotEncoder
  extends ColumnTransformer<Required<OneHotEncoderOptions>, OneHotState>
  implements Transformer<Required<OneHotEncoderOptions>>
{
  readonly type = 'OneHotEncoder';

  constructor(options: OneHotEncoderOptions = {}) {
    super({
      columns: columnsOption(options.columns, 'OneHotEncoder'),
      handleUnknown: oneOf(options.handleUnknown ?? 'error', ['error', 'ignore'], 'options.handleUnknown'),
    });
  }

  /** Categories of each encoded column, in output order. */
  get categories(): number[][] {
    return this.fittedState('categories').categories.map((values) => [...values]);
  }

  protected learn(X: DenseMatrix): OneHotState {
    const columns = selectedColumns(this.params.columns, X.cols, this.type).sort((a, b) => a - b);
    return { columns, categories: learnCategories(X, columns) };
  }

  protected apply(X: DenseMatrix, { columns, categories }: OneHotState): DenseMatrix {
    const { rows, cols, data } = X;
    const maps = categoryMaps(categories);
    const slot = new Int32Array(cols).fill(-1);
    columns.forEach((j, c) => {
      slot[j] = c;
    });
    const width = cols - columns.length + categories.reduce((sum, values) => sum + values.length, 0);
    const out = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) {
      let o = i * width;
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j] as number;
        const c = slot[j] as number;
        if (c < 0) {
          out[o++] = v;
          continue;
        }
        const k = (maps[c] as Map<number, number>).get(v);
        if (k !== undefined) out[o + k] = 1;
        else if (this.params.handleUnknown === 'error') {
          throw unknownCategory(this.type, i, j, v, categories[c] as number[]);
        }
        o += (categories[c] as number[]).length;
      }
    }
    return { rows, cols: width, data: out };
  }

  protected encodeState(state: OneHotState): unknown {
    return state;
  }

  protected decodeState(json: unknown): OneHotState {
    return json as OneHotState;
  }

  static fromJSON(json: EstimatorJSON): OneHotEncoder {
    return new OneHotEncoder((json as EstimatorJSON<OneHotEncoderOptions>)?.params ?? {}).restore(json);
  }
}
