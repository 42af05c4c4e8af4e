import { describe, expect, it } from 'vitest';
import { matrix } from '../_test-data.js';
import { loadDataset } from '../datasets.js';
import { KNNClassifier, KNNRegressor } from './knn.js';

const X = matrix([[0], [1], [2], [10], [11], [12]]);
const y = [0, 0, 0, 1, 1, 1];

describe('KNNClassifier', () => {
  it('votes among the k nearest rows', () => {
    const model = new KNNClassifier({ k: 3 }).fit(X, y);
    expect(Array.from(model.predict(matrix([[1.4], [9], [6.1]])))).toEqual([0, 1, 1]);
    // Neighbours of 5.9: rows 2 (3.9), 10 (4.1), 1 (4.9).
    expect(Array.from(model.predictProba(matrix([[5.9]])).data)).toEqual([2 / 3, 1 / 3]);
    // Of 5: row 2 (3), row 1 (4), then rows 0 and 10 tie at 5 and the lower index wins.
    expect(Array.from(model.predictProba(matrix([[5]])).data)).toEqual([1, 0]);
  });

  it('weights by inverse distance and lets exact matches win', () => {
    const model = new KNNClassifier({ k: 6, weights: 'distance' }).fit(X, y);
    expect(Array.from(model.predictProba(matrix([[10]])).data)).toEqual([0, 1]);
    // Uniform weights over all 6 rows would tie; distance weights favour the near class.
    expect(Array.from(model.predict(matrix([[4]])))).toEqual([0]);
  });

  it('uses k = n when k exceeds the training rows', () => {
    const model = new KNNClassifier({ k: 50 }).fit(X, y);
    expect(Array.from(model.predictProba(matrix([[0], [12]])).data)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('votes as a plain float64 brute force does on digits (1 437 training rows, 360 queries)', () => {
    const { X: all, y: labels } = loadDataset('digits');
    const n = 1437;
    const cols = all.cols;
    const train = { rows: n, cols, data: all.data.slice(0, n * cols) };
    const query = { rows: all.rows - n, cols, data: all.data.slice(n * cols) };
    const expected = Array.from({ length: query.rows }, (_, q) => {
      const order = Array.from({ length: n }, (_, t) => {
        let d = 0;
        for (let p = 0; p < cols; p++)
          d += ((train.data[t * cols + p] as number) - (query.data[q * cols + p] as number)) ** 2;
        return { t, d };
      }).sort((a, b) => a.d - b.d || a.t - b.t);
      const votes = new Map<number, number>();
      for (const { t } of order.slice(0, 5))
        votes.set(labels[t] as number, (votes.get(labels[t] as number) ?? 0) + 1);
      let best = -1;
      for (const [label, count] of [...votes].sort((a, b) => a[0] - b[0]))
        if (count > (votes.get(best) ?? 0)) best = label;
      return best;
    });
    const model = new KNNClassifier({ k: 5 }).fit(train, labels.slice(0, n));
    expect(Array.from(model.predict(query))).toEqual(expected);
    // A second prediction reuses the prepared training rows and agrees.
    expect(Array.from(model.predict(query))).toEqual(expected);
  });

  it('reads JSON saved with the former blockRows option', () => {
    const saved = new KNNClassifier({ k: 3 }).fit(X, y).toJSON();
    const old = { ...saved, params: { ...saved.params, blockRows: 256 } };
    const model = KNNClassifier.fromJSON(old);
    expect(model.params).toEqual({ k: 3, weights: 'uniform' });
    expect(Array.from(model.predict(matrix([[1.4], [9]])))).toEqual([0, 1]);
  });

  it('breaks ties towards the smaller class', () => {
    const model = new KNNClassifier({ k: 2 }).fit(matrix([[0], [2]]), [5, 3]);
    expect(Array.from(model.predict(matrix([[1]])))).toEqual([3]);
  });
});

describe('KNNRegressor', () => {
  it('averages the neighbours (uniform) or weights them by 1/distance', () => {
    const targets = [1, 2, 3, 10, 20, 30];
    expect(Array.from(new KNNRegressor({ k: 2 }).fit(X, targets).predict(matrix([[0.4]])))).toEqual([1.5]);
    const weighted = new KNNRegressor({ k: 2, weights: 'distance' })
      .fit(X, targets)
      .predict(matrix([[0.25]]));
    // Distances 0.25 and 0.75: weights 4 and 4/3.
    expect(weighted[0]).toBeCloseTo((4 * 1 + (4 / 3) * 2) / (4 + 4 / 3), 12);
  });
});
