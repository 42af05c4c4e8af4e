import type { DenseMatrix } from '@toolbox/contracts';
import type { Random } from '../_random.js';
import type { BinnedFeatures } from './_binning.js';

/**
 * A fitted binary tree in flat arrays. Internal node `i` sends a row left when
 * `x[feature[i]] <= threshold[i]`; a leaf has `left[i] === -1` and its output in
 * `value[i * outputs ... (i + 1) * outputs)` (class probabilities, or the mean).
 */
export interface TreeArrays {
  nodeCount: number;
  outputs: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export interface GrowOptions {
  binned: BinnedFeatures;
  /** Class codes (classification) — exactly one of `classCodes` / `targets`. */
  classCodes?: Int32Array;
  classCount?: number;
  /** Regression targets. */
  targets?: Float64Array;
  /** Distinct row indices to grow on. Reordered in place. */
  samples: Int32Array;
  /**
   * Per row (indexed by row, not by position in `samples`): how many times it was
   * drawn (bootstrap multiplicity). Default: every row once. Counts, impurities and
   * `minSamplesSplit`/`minSamplesLeaf` use these weights, as if the row were repeated.
   */
  weights?: Int32Array;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features drawn per node. */
  maxFeatures: number;
  random: Random;
  /** Mean decrease in impurity per feature, weighted by samples, added in place. */
  importances: Float64Array;
}

/** A node waiting to be grown: its rows `samples[start, end)` and the features known constant there. */
interface Pending {
  start: number;
  end: number;
  depth: number;
  parent: number;
  isLeft: boolean;
  constant: Uint8Array | undefined;
}

function insertionSort(values: Int32Array, count: number): void {
  for (let i = 1; i < count; i++) {
    const v = values[i] as number;
    let j = i - 1;
    while (j >= 0 && (values[j] as number) > v) {
      values[j + 1] = values[j] as number;
      j--;
    }
    values[j + 1] = v;
  }
}

interface Split {
  feature: number;
  bin: number;
}

class NodeStore {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];
  add(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    return this.feature.length - 1;
  }
  freeze(outputs: number): TreeArrays {
    return {
      nodeCount: this.feature.length,
      outputs,
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
    };
  }
}

/** Grows one tree depth-first with histogram split search (Gini or squared error). */
export function growTree(options: GrowOptions): TreeArrays {
  const { binned, samples, random, importances } = options;
  const weights = options.weights ?? new Int32Array(binned.rows).fill(1);
  const { rows, cols, codes, thresholds } = binned;
  const classification = options.classCodes !== undefined;
  const classCodes = options.classCodes ?? new Int32Array(0);
  const targets = options.targets ?? new Float64Array(0);
  const K = classification ? (options.classCount as number) : 1;
  const outputs = K;
  const minLeaf = options.minSamplesLeaf;
  const maxBinCount = 256;
  const histogram = classification ? new Int32Array(maxBinCount * K) : new Float64Array(maxBinCount);
  const binCount = new Int32Array(maxBinCount);
  const leftCounts = new Float64Array(K);
  const totals = new Float64Array(K);
  const features = Int32Array.from({ length: cols }, (_, j) => j);
  const store = new NodeStore();
  const impurityOf: number[] = [];
  const weightOf: number[] = [];

  const present = new Int32Array(maxBinCount);
  const stack: Pending[] = [
    { start: 0, end: samples.length, depth: 0, parent: -1, isLeft: false, constant: undefined },
  ];
  while (stack.length > 0) {
    const { start, end, depth, parent, isLeft, constant } = stack.pop() as Pending;
    const id = store.add();
    if (parent >= 0) {
      if (isLeft) store.left[parent] = id;
      else store.right[parent] = id;
    }
    let n = 0;
    for (let s = start; s < end; s++) n += weights[samples[s] as number] as number;
    // Node output and impurity.
    let impurity: number;
    let pure: boolean;
    if (classification) {
      totals.fill(0);
      for (let s = start; s < end; s++) {
        const i = samples[s] as number;
        const c = classCodes[i] as number;
        totals[c] = (totals[c] as number) + (weights[i] as number);
      }
      let sumSquares = 0;
      let nonZero = 0;
      for (let k = 0; k < K; k++) {
        const c = totals[k] as number;
        store.value.push(c / n);
        sumSquares += c * c;
        if (c > 0) nonZero++;
      }
      impurity = 1 - sumSquares / (n * n);
      pure = nonZero <= 1;
    } else {
      let sum = 0;
      let sumSquares = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let s = start; s < end; s++) {
        const i = samples[s] as number;
        const v = targets[i] as number;
        const w = weights[i] as number;
        sum += w * v;
        sumSquares += w * v * v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const mean = sum / n;
      store.value.push(mean);
      totals[0] = sum;
      impurity = Math.max(0, sumSquares / n - mean * mean);
      pure = min === max;
    }
    impurityOf.push(impurity);
    weightOf.push(n);
    if (pure || depth >= options.maxDepth || n < options.minSamplesSplit || n < 2 * minLeaf) continue;

    // Split search over randomly drawn features. Features found constant in a node
    // stay constant below it, so children skip them (as scikit-learn does).
    let best: Split | undefined;
    let bestProxy = Number.NEGATIVE_INFINITY;
    let visited = 0;
    let constantBelow = constant;
    for (let j = 0; j < cols; j++) {
      if (visited >= options.maxFeatures && best !== undefined) break;
      const pick = j + random.int(cols - j);
      const f = features[pick] as number;
      features[pick] = features[j] as number;
      features[j] = f;
      if (constant !== undefined && constant[f] === 1) continue;
      const base = f * rows;
      let minBin = maxBinCount;
      let maxBin = -1;
      let presentCount = 0;
      if (classification) {
        const hist = histogram as Int32Array;
        for (let s = start; s < end; s++) {
          const i = samples[s] as number;
          const b = codes[base + i] as number;
          const w = weights[i] as number;
          const slot = b * K + (classCodes[i] as number);
          hist[slot] = (hist[slot] as number) + w;
          const c = binCount[b] as number;
          if (c === 0) present[presentCount++] = b;
          binCount[b] = c + w;
          if (b < minBin) minBin = b;
          if (b > maxBin) maxBin = b;
        }
      } else {
        const hist = histogram as Float64Array;
        for (let s = start; s < end; s++) {
          const i = samples[s] as number;
          const b = codes[base + i] as number;
          const w = weights[i] as number;
          hist[b] = (hist[b] as number) + w * (targets[i] as number);
          const c = binCount[b] as number;
          if (c === 0) present[presentCount++] = b;
          binCount[b] = c + w;
          if (b < minBin) minBin = b;
          if (b > maxBin) maxBin = b;
        }
      }
      // Sparse bins (small node, wide range): walk the sorted occupied bins only.
      const sparse = presentCount * 4 < maxBin - minBin + 1;
      if (sparse) insertionSort(present, presentCount);
      const steps = sparse ? presentCount - 1 : maxBin - minBin;
      if (presentCount > 1) {
        visited++;
        let nLeft = 0;
        if (classification) {
          const hist = histogram as Int32Array;
          leftCounts.fill(0);
          for (let p = 0; p < steps; p++) {
            const b = sparse ? (present[p] as number) : minBin + p;
            const c = binCount[b] as number;
            if (c === 0) continue;
            const row = b * K;
            for (let k = 0; k < K; k++) leftCounts[k] = (leftCounts[k] as number) + (hist[row + k] as number);
            nLeft += c;
            const nRight = n - nLeft;
            if (nLeft < minLeaf) continue;
            if (nRight < minLeaf) break;
            let sumLeft = 0;
            let sumRight = 0;
            for (let k = 0; k < K; k++) {
              const l = leftCounts[k] as number;
              const r = (totals[k] as number) - l;
              sumLeft += l * l;
              sumRight += r * r;
            }
            const proxy = sumLeft / nLeft + sumRight / nRight;
            if (proxy > bestProxy) {
              bestProxy = proxy;
              best = { feature: f, bin: b };
            }
          }
        } else {
          const hist = histogram as Float64Array;
          const total = totals[0] as number;
          let sumLeft = 0;
          for (let p = 0; p < steps; p++) {
            const b = sparse ? (present[p] as number) : minBin + p;
            const c = binCount[b] as number;
            if (c === 0) continue;
            sumLeft += hist[b] as number;
            nLeft += c;
            const nRight = n - nLeft;
            if (nLeft < minLeaf) continue;
            if (nRight < minLeaf) break;
            const sumRight = total - sumLeft;
            const proxy = (sumLeft * sumLeft) / nLeft + (sumRight * sumRight) / nRight;
            if (proxy > bestProxy) {
              bestProxy = proxy;
              best = { feature: f, bin: b };
            }
          }
        }
      } else {
        if (constantBelow === constant)
          constantBelow = constant === undefined ? new Uint8Array(cols) : constant.slice();
        (constantBelow as Uint8Array)[f] = 1;
      }
      // Clear only the bins this node touched.
      if (sparse) {
        for (let p = 0; p < presentCount; p++) {
          const b = present[p] as number;
          binCount[b] = 0;
          histogram.fill(0, b * K, b * K + K);
        }
      } else if (maxBin >= 0) {
        binCount.fill(0, minBin, maxBin + 1);
        histogram.fill(0, minBin * K, (maxBin + 1) * K);
      }
    }
    if (best === undefined) continue;

    // Partition samples[start, end) so that bin <= best.bin comes first.
    const base = best.feature * rows;
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      if ((codes[base + (samples[lo] as number)] as number) <= best.bin) lo++;
      else {
        const tmp = samples[lo] as number;
        samples[lo] = samples[hi] as number;
        samples[hi] = tmp;
        hi--;
      }
    }
    store.feature[id] = best.feature;
    store.threshold[id] = (thresholds[best.feature] as Float64Array)[best.bin] as number;
    // Right first so the left child is popped (and numbered) first.
    stack.push({ start: lo, end, depth: depth + 1, parent: id, isLeft: false, constant: constantBelow });
    stack.push({ start, end: lo, depth: depth + 1, parent: id, isLeft: true, constant: constantBelow });
  }

  let totalWeight = 0;
  for (const i of samples) totalWeight += weights[i] as number;
  for (let id = 0; id < store.feature.length; id++) {
    const l = store.left[id] as number;
    if (l < 0) continue;
    const r = store.right[id] as number;
    const decrease =
      (weightOf[id] as number) * (impurityOf[id] as number) -
      (weightOf[l] as number) * (impurityOf[l] as number) -
      (weightOf[r] as number) * (impurityOf[r] as number);
    importances[store.feature[id] as number] =
      (importances[store.feature[id] as number] as number) + decrease / totalWeight;
  }
  return store.freeze(outputs);
}

/** Adds `weight` × each row's leaf output to `out` (rows × outputs). */
export function accumulateTree(tree: TreeArrays, X: DenseMatrix, out: Float64Array, weight: number): void {
  const { feature, threshold, left, right, value, outputs } = tree;
  const { rows, cols, data } = X;
  for (let i = 0; i < rows; i++) {
    const rowBase = i * cols;
    let node = 0;
    let next = left[0] as number;
    while (next >= 0) {
      node =
        (data[rowBase + (feature[node] as number)] as number) <= (threshold[node] as number)
          ? next
          : (right[node] as number);
      next = left[node] as number;
    }
    const valueBase = node * outputs;
    const outBase = i * outputs;
    for (let k = 0; k < outputs; k++)
      out[outBase + k] = (out[outBase + k] as number) + weight * (value[valueBase + k] as number);
  }
}

export interface TreeJSON {
  outputs: number;
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export function treeToJSON(tree: TreeArrays): TreeJSON {
  return {
    outputs: tree.outputs,
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    value: Array.from(tree.value),
  };
}

export function treeFromJSON(json: TreeJSON): TreeArrays {
  return {
    nodeCount: json.feature.length,
    outputs: json.outputs,
    feature: Int32Array.from(json.feature),
    threshold: Float64Array.from(json.threshold),
    left: Int32Array.from(json.left),
    right: Int32Array.from(json.right),
    value: Float64Array.from(json.value),
  };
}
