import { InvalidInputError } from '@toolbox/contracts';

export type FitTask = 'classification' | 'regression';

/** Most distinct integer labels for a target still to be read as classes. */
const MAX_CLASSES = 50;

/**
 * Classification when every target is an integer and there are few distinct values
 * (at most 50, and fewer than half the rows), regression otherwise.
 * A NaN or infinite target throws `InvalidInputError` naming its index.
 */
export function detectTask(y: ArrayLike<number>): FitTask {
  const distinct = new Set<number>();
  let integers = true;
  for (let i = 0; i < y.length; i++) {
    const value = y[i] as number;
    if (!Number.isFinite(value)) {
      throw new InvalidInputError(`y[${i}] is ${value}; targets must be finite numbers`, {
        details: { argument: 'y', index: i, value },
      });
    }
    if (!Number.isInteger(value)) integers = false;
    if (distinct.size <= MAX_CLASSES) distinct.add(value);
  }
  const classification =
    integers && distinct.size <= MAX_CLASSES && distinct.size < Math.max(3, y.length / 2);
  return classification ? 'classification' : 'regression';
}
