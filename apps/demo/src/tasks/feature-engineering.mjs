// A CPU-heavy feature-engineering step, run by the executor's worker threads (a plain
// JavaScript module so workers load it without a TypeScript loader).
// One row of 20 raw values in, 40 engineered features out: for each value a smoothed
// Fourier-style signature and a running interaction with its neighbour.

const HARMONICS = 150;

/**
 * @param {number[]} row
 * @returns {number[]}
 */
export function engineerRow(row) {
  const out = new Array(row.length * 2);
  for (let j = 0; j < row.length; j++) {
    const x = row[j];
    let signature = 0;
    for (let k = 1; k <= HARMONICS; k++) signature += Math.sin(k * x) / k + Math.cos(k * x * 0.5) / (k * k);
    const next = row[(j + 1) % row.length];
    out[2 * j] = signature;
    out[2 * j + 1] = Math.tanh(x * next) + Math.log1p(Math.abs(x - next));
  }
  return out;
}
