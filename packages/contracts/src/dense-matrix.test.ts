import { describe, expect, it } from 'vitest';
import {
  assertDenseMatrix,
  createMatrix,
  fromArray,
  fromMatrixLike,
  isDenseMatrix,
  toArray,
  toMatrixLike,
} from './dense-matrix.js';
import { InvalidInputError, ShapeError } from './errors.js';

/** A minimal stand-in with ml-matrix's structural surface. */
class FakeMatrix {
  readonly values: number[][];
  constructor(
    readonly rows: number,
    readonly columns: number,
  ) {
    this.values = Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
  }
  get(i: number, j: number): number {
    return this.values[i]![j]!;
  }
  set(i: number, j: number, value: number): this {
    this.values[i]![j] = value;
    return this;
  }
}

describe('createMatrix', () => {
  it('zero-fills a rows x cols matrix', () => {
    const m = createMatrix(2, 3);
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('wraps data without copying', () => {
    const data = new Float64Array([1, 2, 3, 4]);
    expect(createMatrix(2, 2, data).data).toBe(data);
  });

  it('throws ShapeError when data length disagrees with the shape', () => {
    expect(() => createMatrix(2, 3, new Float64Array(5))).toThrow(ShapeError);
    expect(() => createMatrix(2, 3, new Float64Array(5))).toThrow(/5 elements.*2x3.*6/);
  });

  it('rejects negative or fractional dimensions naming the argument', () => {
    expect(() => createMatrix(-1, 2)).toThrow(/rows must be a non-negative integer/);
    expect(() => createMatrix(1, 2.5)).toThrow(/cols must be a non-negative integer/);
  });
});

describe('fromArray / toArray', () => {
  it('round-trips row-major', () => {
    const rows = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const m = fromArray(rows);
    expect(m).toMatchObject({ rows: 2, cols: 3 });
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toArray(m)).toEqual(rows);
  });

  it('handles empty input as 0x0 and rows of zero length', () => {
    expect(fromArray([])).toMatchObject({ rows: 0, cols: 0 });
    expect(fromArray([[], []])).toMatchObject({ rows: 2, cols: 0 });
  });

  it('throws ShapeError naming the ragged row', () => {
    const ragged = [[1, 2], [3, 4], [5]];
    expect(() => fromArray(ragged, { name: 'X' })).toThrow(ShapeError);
    expect(() => fromArray(ragged, { name: 'X' })).toThrow('X[2] has 1 columns but X[0] has 2');
  });

  it('rejects non-numbers with the position', () => {
    expect(() => fromArray([[1, '2' as unknown as number]], { name: 'X' })).toThrow(
      /X\[0\]\[1\] must be a number, got string/,
    );
    expect(() => fromArray('nope' as unknown as number[][])).toThrow(InvalidInputError);
  });

  it('keeps NaN by default and rejects it on request', () => {
    const m = fromArray([[1, Number.NaN]]);
    expect(Number.isNaN(m.data[1])).toBe(true);
    expect(() => fromArray([[1, Number.NaN]], { nonFinite: 'reject', name: 'X' })).toThrow(
      /X\[0\]\[1\] is NaN; non-finite values are rejected/,
    );
    expect(() => fromArray([[Number.POSITIVE_INFINITY]], { nonFinite: 'reject' })).toThrow(InvalidInputError);
  });
});

describe('matrix-like interop', () => {
  it('reads any { rows, columns, get } matrix', () => {
    const source = new FakeMatrix(2, 2).set(0, 0, 1).set(0, 1, 2).set(1, 0, 3).set(1, 1, 4);
    const m = fromMatrixLike(source);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4]);
  });

  it('writes into a matrix made by the factory', () => {
    const m = fromArray([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const out = toMatrixLike(m, (r, c) => new FakeMatrix(r, c));
    expect(out.values).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('rejects a factory that returns the wrong shape', () => {
    const m = fromArray([[1, 2]]);
    expect(() => toMatrixLike(m, () => new FakeMatrix(2, 1))).toThrow(ShapeError);
  });

  it('applies the NaN policy to matrix-like input', () => {
    const source = new FakeMatrix(1, 1).set(0, 0, Number.NaN);
    expect(() => fromMatrixLike(source, { nonFinite: 'reject' })).toThrow(InvalidInputError);
    expect(() => fromMatrixLike({} as FakeMatrix)).toThrow(/must have rows, columns and get/);
  });
});

describe('isDenseMatrix / assertDenseMatrix', () => {
  it('accepts only consistent matrices', () => {
    expect(isDenseMatrix(createMatrix(2, 2))).toBe(true);
    expect(isDenseMatrix({ rows: 2, cols: 2, data: new Float64Array(3) })).toBe(false);
    expect(isDenseMatrix({ rows: 1, cols: 1, data: [1] })).toBe(false);
    expect(isDenseMatrix(null)).toBe(false);
  });

  it('names the argument in its errors', () => {
    expect(() => assertDenseMatrix({ rows: 2, cols: 2, data: new Float64Array(3) }, 'weights')).toThrow(
      /weights\.data has 3 elements but weights is 2x2/,
    );
    expect(() => assertDenseMatrix([[1]], 'X')).toThrow(/X\.rows and X\.cols must be non-negative integers/);
    expect(() => assertDenseMatrix({ rows: 1, cols: 1, data: [1] }, 'X')).toThrow(
      /X\.data must be a Float64Array, got an array/,
    );
  });
});
