import type { DenseMatrix } from '@toolbox/contracts';

/**
 * Features quantised to at most 256 bins per column, for histogram split search.
 * A column with no more distinct values than bins gets one bin per value, so its
 * splits are exactly the ones an exact (presorted) tree would consider.
 */
export interface BinnedFeatures {
  rows: number;
  cols: number;
  /** Column-major bin codes: `codes[j * rows + i]`. */
  codes: Uint8Array;
  /** Per column, split thresholds between consecutive bins (`x <= thresholds[b]` is bin <= b). */
  thresholds: Float64Array[];
}

/** Midpoint between consecutive distinct values, never equal to the upper one. */
function midpoint(low: number, high: number): number {
  const mid = low + (high - low) / 2;
  return mid === high ? low : mid;
}

export function binFeatures(X: DenseMatrix, maxBins: number): BinnedFeatures {
  const { rows, cols, data } = X;
  const codes = new Uint8Array(rows * cols);
  const thresholds: Float64Array[] = [];
  const column = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) column[i] = data[i * cols + j] as number;
    const sorted = column.slice().sort();
    const distinct: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < rows; i++) {
      const v = sorted[i] as number;
      if (distinct.length > 0 && distinct[distinct.length - 1] === v)
        counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
      else {
        distinct.push(v);
        counts.push(1);
      }
    }
    const cuts: number[] = [];
    if (distinct.length <= maxBins) {
      for (let b = 0; b + 1 < distinct.length; b++)
        cuts.push(midpoint(distinct[b] as number, distinct[b + 1] as number));
    } else {
      // Equal-frequency bins over the rows, cut only between distinct values.
      let seen = 0;
      for (let u = 0; u + 1 < distinct.length && cuts.length < maxBins - 1; u++) {
        seen += counts[u] as number;
        if (seen >= ((cuts.length + 1) * rows) / maxBins) {
          cuts.push(midpoint(distinct[u] as number, distinct[u + 1] as number));
        }
      }
    }
    const cut = Float64Array.from(cuts);
    thresholds.push(cut);
    const base = j * rows;
    for (let i = 0; i < rows; i++) {
      const v = column[i] as number;
      let lo = 0;
      let hi = cut.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cut[mid] as number) < v) lo = mid + 1;
        else hi = mid;
      }
      codes[base + i] = lo;
    }
  }
  return { rows, cols, codes, thresholds };
}
