import type { DenseMatrix } from '@toolbox/contracts';
import { createRandom } from './_random.js';

/**
 * Small deterministic data sets for tests: three Gaussian blobs (classification)
 * and a noisy linear target (regression).
 */
export function blobs(rowsPerClass = 20, seed = 1): { X: DenseMatrix; y: Float64Array } {
  const random = createRandom(seed);
  const centres = [
    [0, 0, 0],
    [4, 4, 0],
    [0, 4, 4],
  ];
  const rows = rowsPerClass * centres.length;
  const data = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % centres.length;
    y[i] = c;
    for (let j = 0; j < 3; j++)
      data[i * 3 + j] = ((centres[c] as number[])[j] as number) + random.next() * 2 - 1;
  }
  return { X: { rows, cols: 3, data }, y };
}

export function linear(rows = 40, seed = 2): { X: DenseMatrix; y: Float64Array } {
  const random = createRandom(seed);
  const data = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < 3; j++) data[i * 3 + j] = random.next() * 10;
    y[i] =
      3 * (data[i * 3] as number) -
      2 * (data[i * 3 + 1] as number) +
      0.5 * (data[i * 3 + 2] as number) +
      7 +
      (random.next() - 0.5) * 0.1;
  }
  return { X: { rows, cols: 3, data }, y };
}

export function matrix(rows: number[][]): DenseMatrix {
  return { rows: rows.length, cols: rows[0]?.length ?? 0, data: Float64Array.from(rows.flat()) };
}
