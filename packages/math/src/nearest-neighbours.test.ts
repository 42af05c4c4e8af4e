import { createMatrix, type DenseMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { randomMatrix } from './_naive.js';
import { nearestNeighbours, nearestNeighboursWithKernel, prepareNeighbours } from './nearest-neighbours.js';

/** Every distance in float64, sorted by (distance, index): the answer by definition. */
function bruteForce(
  train: DenseMatrix,
  query: DenseMatrix,
  k: number,
): { indices: number[]; distances: number[] } {
  const indices: number[] = [];
  const distances: number[] = [];
  for (let q = 0; q < query.rows; q++) {
    const all = Array.from({ length: train.rows }, (_, t) => {
      let sum = 0;
      for (let p = 0; p < train.cols; p++) {
        const d = (train.data[t * train.cols + p] as number) - (query.data[q * query.cols + p] as number);
        sum += d * d;
      }
      return { t, d: sum };
    });
    all.sort((a, b) => a.d - b.d || a.t - b.t);
    for (const { t, d } of all.slice(0, k)) {
      indices.push(t);
      distances.push(Math.sqrt(d));
    }
  }
  return { indices, distances };
}

function expectExact(train: DenseMatrix, query: DenseMatrix, k: number, kernel: 'auto' | 'js' = 'auto') {
  const result = nearestNeighboursWithKernel(train, query, { k }, kernel);
  const expected = bruteForce(train, query, Math.min(k, train.rows));
  expect(Array.from(result.indices)).toEqual(expected.indices);
  expect(Array.from(result.distances)).toEqual(expected.distances);
  return result;
}

describe('nearestNeighbours', () => {
  it('finds the same neighbours, in the same order, as a float64 brute force (both screens)', () => {
    const train = randomMatrix(2500, 37, 1); // more than one training chunk, odd column count
    const query = randomMatrix(70, 37, 2); // more than two query blocks
    for (const kernel of ['auto', 'js'] as const) {
      const result = expectExact(train, query, 5, kernel);
      expect(result.k).toBe(5);
    }
  });

  it('re-ranks near ties exactly: rows a float32 screen cannot tell apart', () => {
    // Training rows differ from the query only in the 9th significant digit.
    const base = randomMatrix(1, 16, 3).data;
    const train = createMatrix(300, 16);
    for (let t = 0; t < 300; t++) {
      for (let p = 0; p < 16; p++)
        train.data[t * 16 + p] = (base[p] as number) + ((t * 7919 + p) % 301) * 1e-9;
    }
    const query = createMatrix(
      3,
      16,
      Float64Array.from({ length: 48 }, (_, i) => base[i % 16] as number),
    );
    expectExact(train, query, 7);
  });

  it('breaks ties by the lower training index, also when duplicates overflow the candidate list', () => {
    const row = [1, 2, 3, 4];
    // 100 of 200 training rows equal the query: more ties than the screen keeps candidates.
    const train = createMatrix(
      200,
      4,
      Float64Array.from(
        { length: 800 },
        (_, i) => (row[i % 4] as number) + (Math.floor(i / 4) % 2 === 0 ? 0 : 5),
      ),
    );
    const query = createMatrix(2, 4, Float64Array.from([...row, ...row.map((v) => v + 5)]));
    const { indices, distances } = expectExact(train, query, 5);
    expect(Array.from(indices)).toEqual([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]);
    expect(Array.from(distances)).toEqual(new Array(10).fill(0));
  });

  it('stays exact at magnitudes where float32 would overflow or underflow', () => {
    for (const scale of [1e20, 1e30, 1e-30, 1e-300]) {
      const train = randomMatrix(200, 8, 4);
      const query = randomMatrix(10, 8, 5);
      for (const m of [train, query])
        for (let i = 0; i < m.data.length; i++) m.data[i] = (m.data[i] as number) * scale;
      expectExact(train, query, 3);
    }
  });

  it('returns every training row when k exceeds them, and nothing for no query rows', () => {
    const train = randomMatrix(4, 3, 6);
    const result = expectExact(train, randomMatrix(2, 3, 7), 10);
    expect(result.k).toBe(4);
    expect(nearestNeighbours(train, createMatrix(0, 3), { k: 2 }).indices.length).toBe(0);
  });

  it('searches a prepared index many times; later changes to the training matrix are not seen', () => {
    const train = randomMatrix(300, 12, 8);
    const query = randomMatrix(20, 12, 9);
    const expected = bruteForce(train, query, 4);
    const index = prepareNeighbours(train);
    train.data.fill(0);
    for (let run = 0; run < 2; run++) {
      expect(Array.from(nearestNeighbours(index, query, { k: 4 }).indices)).toEqual(expected.indices);
    }
  });

  it('rejects a column mismatch and a bad k, naming the argument', () => {
    const train = randomMatrix(5, 3, 10);
    expect(() => nearestNeighbours(train, randomMatrix(2, 4, 11), { k: 1 })).toThrow(ShapeError);
    expect(() => nearestNeighbours(train, randomMatrix(2, 4, 11), { k: 1 })).toThrow(
      /query is 2x4 and train is 5x3/,
    );
    for (const k of [0, 1.5, -1, Number.NaN]) {
      expect(() => nearestNeighbours(train, randomMatrix(2, 3, 11), { k })).toThrow(InvalidInputError);
      expect(() => nearestNeighbours(train, randomMatrix(2, 3, 11), { k })).toThrow(
        /options\.k must be a positive integer/,
      );
    }
    expect(() => prepareNeighbours({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(/train/);
  });
});
