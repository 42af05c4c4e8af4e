// Worker task for the cross-package pipeline benches: a CPU-heavy per-row feature map,
// plain JavaScript so that piscina and the toolbox executor load the same file.

/** Terms of the Fourier series per input column: sets the cost of a row (about 0.1 ms). */
export const HARMONICS = 250;

/**
 * Maps a row of `d` numbers to `2d` features: a truncated sawtooth series of each value
 * (`HARMONICS` sines) and the product of each value with its neighbour.
 */
export function features(row) {
  const d = row.length;
  const out = new Array(2 * d);
  for (let j = 0; j < d; j++) {
    const x = row[j];
    let series = 0;
    for (let k = 1; k <= HARMONICS; k++) series += Math.sin(k * x) / k;
    out[j] = series;
    out[d + j] = x * row[(j + 1) % d];
  }
  return out;
}
