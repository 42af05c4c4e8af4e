import { createMatrix, fromArray, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transpose } from './transpose.js';

function naiveTranspose(rows: number, cols: number, data: Float64Array): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return out;
}

describe('transpose', () => {
  it('transposes a small matrix', () => {
    const t = transpose(
      fromArray([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    expect(t).toMatchObject({ rows: 3, cols: 2 });
    expect(Array.from(t.data)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('matches the naive reference on random shapes, including 0, 1 and sizes past a tile', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }), (rows, cols) => {
        const a = createMatrix(rows, cols);
        for (let k = 0; k < a.data.length; k++) a.data[k] = Math.sin(k) * 100;
        expect(Array.from(transpose(a).data)).toEqual(Array.from(naiveTranspose(rows, cols, a.data)));
      }),
      { numRuns: 60 },
    );
  });

  it('writes into out and returns it', () => {
    const out = createMatrix(2, 1);
    expect(transpose(fromArray([[7, 8]]), out)).toBe(out);
    expect(Array.from(out.data)).toEqual([7, 8]);
  });

  it('rejects an out of the wrong shape and a malformed input, naming them', () => {
    expect(() => transpose(createMatrix(2, 3), createMatrix(2, 3))).toThrow(ShapeError);
    expect(() => transpose(createMatrix(2, 3), createMatrix(2, 3))).toThrow(/out must be 3x2/);
    expect(() => transpose({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(
      /a\.data has 3 elements/,
    );
  });
});
