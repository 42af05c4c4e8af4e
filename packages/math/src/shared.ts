import { createMatrix, type DenseMatrix, InvalidInputError } from '@toolbox/contracts';

/**
 * A zeroed `DenseMatrix` over a `SharedArrayBuffer`, so worker threads can read the
 * inputs and write disjoint row blocks of the output (`matmulRows`,
 * `pairwiseSquaredEuclideanRows`) without copying.
 */
export function createSharedMatrix(rows: number, cols: number): DenseMatrix {
  for (const [name, value] of [
    ['rows', rows],
    ['cols', cols],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidInputError(`${name} must be a non-negative integer, got ${String(value)}`, {
        details: { argument: name, value },
      });
    }
  }
  return createMatrix(rows, cols, new Float64Array(new SharedArrayBuffer(rows * cols * 8)));
}

/**
 * Splits `rows` into at most `parts` contiguous `[rowStart, rowEnd)` ranges of nearly
 * equal size (sizes differ by at most one), skipping empty ranges.
 */
export function rowBlocks(rows: number, parts: number): Array<[number, number]> {
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new InvalidInputError(`rows must be a non-negative integer, got ${String(rows)}`, {
      details: { argument: 'rows', value: rows },
    });
  }
  if (!Number.isSafeInteger(parts) || parts < 1) {
    throw new InvalidInputError(`parts must be a positive integer, got ${String(parts)}`, {
      details: { argument: 'parts', value: parts },
    });
  }
  const count = Math.min(parts, rows);
  const blocks: Array<[number, number]> = [];
  for (let b = 0; b < count; b++) {
    blocks.push([Math.floor((b * rows) / count), Math.floor(((b + 1) * rows) / count)]);
  }
  return blocks;
}
