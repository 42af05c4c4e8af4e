import { describe, expect, it } from 'vitest';
import { createRandom } from '../_random.js';
import { logisticObjective } from './_logistic-objective.js';

/** n rows of `cols` features in [-2, 2), then a column of ones. */
function design(n: number, cols: number, seed: number) {
  const random = createRandom(seed);
  const D = cols + 1;
  const data = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) data[i * D + j] = random.next() * 4 - 2;
    data[i * D + cols] = 1;
  }
  return { rows: n, cols: D, data };
}

function checkGradient(outputs: number, classes: number) {
  const X = design(30, 4, 3);
  const codes = Array.from({ length: X.rows }, (_, i) => (i * 7) % classes);
  const lambda = 0.05;
  const f = logisticObjective(X, codes, outputs, lambda, 4);
  const random = createRandom(9);
  const w = Float64Array.from({ length: outputs * X.cols }, () => random.next() * 2 - 1);
  const grad = new Float64Array(w.length);
  f(w, grad);
  const scratch = new Float64Array(w.length);
  const h = 1e-6;
  for (let p = 0; p < w.length; p++) {
    const plus = w.slice();
    const minus = w.slice();
    plus[p] = (plus[p] as number) + h;
    minus[p] = (minus[p] as number) - h;
    const numeric = (f(plus, scratch) - f(minus, scratch)) / (2 * h);
    expect(grad[p]).toBeCloseTo(numeric, 7);
  }
}

describe('logisticObjective', () => {
  it('has the gradient of its value (multinomial; finite differences)', () => {
    checkGradient(3, 3);
  });

  it('has the gradient of its value (two classes, sigmoid; finite differences)', () => {
    checkGradient(1, 2);
  });

  it('is the mean log-loss at zero weights, and penalises only the first columns', () => {
    const X = design(12, 2, 5);
    const codes = Array.from({ length: 12 }, (_, i) => i % 4);
    const f = logisticObjective(X, codes, 4, 0.5, 2);
    const grad = new Float64Array(4 * 3);
    expect(f(new Float64Array(12), grad)).toBeCloseTo(Math.log(4), 14);
    // Only intercept weights (column 2): no penalty, so the value is the pure log-loss.
    const w = new Float64Array(12);
    for (let k = 0; k < 4; k++) w[k * 3 + 2] = 3;
    expect(f(w, grad)).toBeCloseTo(Math.log(4), 14);
    // One penalised weight of 2 adds exactly λ/2·2² = 1 to the unpenalised objective.
    const penalised = new Float64Array(12);
    penalised[0] = 2;
    const unpenalised = logisticObjective(X, codes, 4, 0, 2);
    expect(f(penalised, grad) - unpenalised(penalised, grad)).toBeCloseTo(1, 14);
  });
});
