import { assertDenseMatrix, type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { assertVector } from './_check.js';

function assertProbability(q: number, name: string): void {
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) {
    throw new InvalidInputError(`${name} must be a number in [0, 1], got ${String(q)}`, {
      details: { argument: name, value: q },
    });
  }
}

function sortedCopy(values: Float64Array, name: string): Float64Array {
  if (values.length === 0) {
    throw new InvalidInputError(`${name} must not be empty`, { details: { argument: name } });
  }
  const sorted = Float64Array.from(values).sort();
  if (Number.isNaN(sorted[sorted.length - 1])) {
    throw new InvalidInputError(`${name} contains NaN; quantiles need comparable values`, {
      details: { argument: name },
    });
  }
  return sorted;
}

/** Linear interpolation between order statistics (numpy's default, Hyndman–Fan type 7). */
function fromSorted(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const low = sorted[lower] as number;
  const fraction = position - lower;
  return fraction === 0 ? low : low + fraction * ((sorted[upper] as number) - low);
}

/**
 * The q-quantile (q in [0, 1]) of `values` with linear interpolation between order
 * statistics (numpy's default). Pass an array of probabilities to get several at
 * once from one sort. Empty input or NaN throw `InvalidInputError`.
 */
export function quantile(values: Float64Array, q: number): number;
export function quantile(values: Float64Array, q: readonly number[]): Float64Array;
export function quantile(values: Float64Array, q: number | readonly number[]): number | Float64Array {
  assertVector(values, 'values');
  if (typeof q === 'number') {
    assertProbability(q, 'q');
    return fromSorted(sortedCopy(values, 'values'), q);
  }
  if (!Array.isArray(q)) {
    throw new InvalidInputError('q must be a number or an array of numbers', { details: { argument: 'q' } });
  }
  for (const [i, p] of q.entries()) assertProbability(p, `q[${i}]`);
  const sorted = sortedCopy(values, 'values');
  return Float64Array.from(q, (p) => fromSorted(sorted, p));
}

/** The q-quantile of each column of `x` (one sort per column). */
export function columnQuantiles(x: DenseMatrix, q: number): Float64Array {
  assertDenseMatrix(x, 'x');
  assertProbability(q, 'q');
  const { rows, cols, data } = x;
  const result = new Float64Array(cols);
  const column = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) column[i] = data[i * cols + j] as number;
    result[j] = fromSorted(sortedCopy(column, `x column ${j}`), q);
  }
  return result;
}
