import { InvalidInputError } from '@toolbox/contracts';
import { numpyShuffler } from './_mt19937.js';
import {
  checkSampleCount,
  type Fold,
  foldsFromAssignment,
  type KFoldOptions,
  resolveFoldOptions,
} from './k-fold.js';

/**
 * K folds that keep each class's share, by scikit-learn's algorithm (1.x): classes
 * are numbered by first appearance, each fold's quota per class comes from dealing
 * the sorted labels round-robin, and each class's fold numbers are shuffled. The
 * same seed gives the same folds as `StratifiedKFold(k, shuffle=True, random_state=seed)`.
 */
export class StratifiedKFold {
  readonly params: Readonly<Required<KFoldOptions>>;

  constructor(options: KFoldOptions = {}) {
    this.params = Object.freeze(resolveFoldOptions(options, 'StratifiedKFold'));
  }

  split(y: ArrayLike<number>): Fold[] {
    const { nSplits, shuffle, seed } = this.params;
    if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
      throw new InvalidInputError('y must be an array or typed array of labels', {
        details: { argument: 'y' },
      });
    }
    const n = y.length;
    checkSampleCount(n, nSplits);
    // Class codes in order of first appearance.
    const order = new Map<number, number>();
    const encoded = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const label = y[i] as number;
      let code = order.get(label);
      if (code === undefined) {
        code = order.size;
        order.set(label, code);
      }
      encoded[i] = code;
    }
    const classCount = order.size;
    // allocation[f][k]: rows of class k in test fold f, from dealing sorted codes round-robin.
    const sorted = Int32Array.from(encoded).sort();
    const allocation = Array.from({ length: nSplits }, () => new Int32Array(classCount));
    for (let s = 0; s < n; s++) {
      const row = allocation[s % nSplits] as Int32Array;
      const k = sorted[s] as number;
      row[k] = (row[k] as number) + 1;
    }
    const assignment = new Int32Array(n);
    // One generator for all classes, drawn in class order, as scikit-learn does.
    const shuffleFolds = shuffle ? numpyShuffler(seed) : undefined;
    for (let k = 0; k < classCount; k++) {
      const folds: number[] = [];
      for (let f = 0; f < nSplits; f++)
        for (let c = 0; c < ((allocation[f] as Int32Array)[k] as number); c++) folds.push(f);
      const foldsForClass = Int32Array.from(folds);
      shuffleFolds?.(foldsForClass);
      let next = 0;
      for (let i = 0; i < n; i++) if (encoded[i] === k) assignment[i] = foldsForClass[next++] as number;
    }
    return foldsFromAssignment(assignment, nSplits);
  }
}
