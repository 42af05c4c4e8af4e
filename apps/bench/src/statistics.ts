/** Median of the values (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile `q` in [0, 1]; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  return low + ((sorted[upper] as number) - low) * (position - lower);
}

/** Median absolute deviation relative to the median (robust spread), 0 when the median is 0. */
export function relativeSpread(values: readonly number[]): number {
  const center = median(values);
  if (!(center > 0)) return 0;
  return median(values.map((value) => Math.abs(value - center))) / center;
}
