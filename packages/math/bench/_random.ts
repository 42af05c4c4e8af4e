import { createMatrix, type DenseMatrix } from '@toolbox/contracts';

/** A rows x cols matrix of uniform values in [-1, 1), the input of the math benchmarks. */
export function random(rows: number, cols: number): DenseMatrix {
  const m = createMatrix(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = Math.random() * 2 - 1;
  return m;
}
