import { InvalidInputError, ShapeError } from '@toolbox/contracts';

export type Labels = ArrayLike<number>;

export function checkPair(yTrue: Labels, yPred: Labels): number {
  for (const [name, value] of [
    ['yTrue', yTrue],
    ['yPred', yPred],
  ] as const) {
    if (value === null || typeof value !== 'object' || typeof value.length !== 'number') {
      throw new InvalidInputError(`${name} must be an array or typed array of numbers`, {
        details: { argument: name },
      });
    }
  }
  if (yTrue.length !== yPred.length) {
    throw new ShapeError(`yTrue has ${yTrue.length} values but yPred has ${yPred.length}`, {
      details: { yTrue: yTrue.length, yPred: yPred.length },
    });
  }
  if (yTrue.length === 0) {
    throw new InvalidInputError('yTrue and yPred must not be empty', { details: { argument: 'yTrue' } });
  }
  return yTrue.length;
}

/** Share of predictions equal to the truth, 0–1. */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  const n = checkPair(yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / n;
}

/**
 * Coefficient of determination, 1 − SS_res / SS_tot. A constant `yTrue` gives 1 for
 * a perfect prediction and 0 otherwise (scikit-learn's convention).
 */
export function r2Score(yTrue: Labels, yPred: Labels): number {
  const n = checkPair(yTrue, yPred);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i] as number;
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i] as number;
    residual += (t - (yPred[i] as number)) ** 2;
    total += (t - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** Mean of |yTrue − yPred|. */
export function meanAbsoluteError(yTrue: Labels, yPred: Labels): number {
  const n = checkPair(yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs((yTrue[i] as number) - (yPred[i] as number));
  return sum / n;
}

/** Mean of (yTrue − yPred)². */
export function meanSquaredError(yTrue: Labels, yPred: Labels): number {
  const n = checkPair(yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ((yTrue[i] as number) - (yPred[i] as number)) ** 2;
  return sum / n;
}

/** Square root of the mean squared error, in the target's unit. */
export function rootMeanSquaredError(yTrue: Labels, yPred: Labels): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}
