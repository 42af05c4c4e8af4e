import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blobs } from '../_test-data.js';
import { KFold } from './k-fold.js';
import { StratifiedKFold } from './stratified-k-fold.js';
import { trainTestSplit } from './train-test-split.js';

describe('KFold', () => {
  it("reproduces scikit-learn's shuffled folds for the same seed", () => {
    // sklearn: next(KFold(5, shuffle=True, random_state=0).split(range(442)))[1][:8]
    expect(Array.from(new KFold({ seed: 0 }).split(442)[0]?.test.slice(0, 8) ?? [])).toEqual([
      1, 6, 10, 12, 15, 21, 37, 49,
    ]);
  });

  it('partitions the rows, first folds one larger, without shuffling in order', () => {
    const folds = new KFold({ nSplits: 3, shuffle: false }).split(7);
    expect(folds.map((f) => Array.from(f.test))).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(Array.from(folds[0]?.train ?? [])).toEqual([3, 4, 5, 6]);
  });

  it('always yields disjoint test folds covering every row (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 10, max: 200 }),
        fc.nat(),
        (k, n, seed) => {
          const folds = new KFold({ nSplits: k, seed: seed % 2 ** 32 }).split(n);
          const seen = new Uint8Array(n);
          for (const fold of folds) {
            expect(fold.train.length + fold.test.length).toBe(n);
            for (const i of fold.test) seen[i] = (seen[i] as number) + 1;
          }
          expect(seen.every((count) => count === 1)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects too few rows and bad options', () => {
    expect(() => new KFold({ nSplits: 5 }).split(3)).toThrow('cannot split 3 samples into 5 folds');
    expect(() => new KFold({ nSplits: 1 })).toThrow('options.nSplits must be at least 2, got 1');
  });
});

describe('StratifiedKFold', () => {
  it("reproduces scikit-learn's stratified folds for the same seed", () => {
    // wine labels: 59 x 0, 71 x 1, 48 x 2 in file order.
    const y = [...Array(59).fill(0), ...Array(71).fill(1), ...Array(48).fill(2)];
    // sklearn: next(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))[1][:12]
    expect(Array.from(new StratifiedKFold({ seed: 0 }).split(y)[0]?.test.slice(0, 12) ?? [])).toEqual([
      4, 5, 10, 11, 17, 28, 34, 42, 46, 51, 54, 55,
    ]);
  });

  it('keeps class shares in every fold', () => {
    const { y } = blobs(20);
    for (const fold of new StratifiedKFold({ nSplits: 4 }).split(y)) {
      const counts = [0, 0, 0];
      for (const i of fold.test) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
      expect(counts).toEqual([5, 5, 5]);
    }
  });
});

describe('trainTestSplit', () => {
  it('splits rows by testSize, reproducibly, optionally stratified', () => {
    const { X, y } = blobs(20);
    const a = trainTestSplit(X, y, { testSize: 0.25, seed: 4 });
    const b = trainTestSplit(X, y, { testSize: 0.25, seed: 4 });
    expect(a.XTest.rows).toBe(15);
    expect(a.XTrain.rows).toBe(45);
    expect(a.yTest).toEqual(b.yTest);
    const stratified = trainTestSplit(X, y, { testSize: 0.5, stratify: true });
    expect(Array.from(stratified.yTest).filter((v) => v === 0)).toHaveLength(10);
    expect(() => trainTestSplit(X, y, { testSize: 1 })).toThrow(
      'options.testSize must be a number in (0, 1)',
    );
  });
});
