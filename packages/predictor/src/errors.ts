import { InvalidInputError } from '@toolbox/contracts';

/**
 * `predict`, `transform` (or a fitted attribute) was used on an estimator that has
 * not been fitted. An `InvalidInputError` (same code), so callers that handle bad
 * input generically still catch it; `details.estimator` and `details.method` say where.
 */
export class NotFittedError extends InvalidInputError {
  constructor(estimator: string, method: string) {
    super(`${estimator} is not fitted: call fit(X, y) before ${method}()`, {
      details: { estimator, method },
    });
  }
}
