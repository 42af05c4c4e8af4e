import { createMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemm } from './_gemm.js';
import { maxAbsDiff, naiveMatmul, naiveTranspose, randomMatrix } from './_naive.js';
import {
  gram,
  matmul,
  matmulRows,
  matmulTransposeA,
  matmulTransposeB,
  matmulTransposeBRows,
} from './matmul.js';
import { createSharedMatrix, rowBlocks } from './shared.js';

const size = fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 63, 65), fc.integer({ min: 0, max: 40 }));
const TOLERANCE = 1e-12;

describe('matmul', () => {
  it('matches the naive triple loop on random shapes (0, 1, odd, non-square)', () => {
    fc.assert(
      fc.property(size, size, size, fc.integer(), (m, k, n, seed) => {
        const a = randomMatrix(m, k, seed);
        const b = randomMatrix(k, n, seed + 1);
        expect(maxAbsDiff(matmul(a, b), naiveMatmul(a, b))).toBeLessThanOrEqual(TOLERANCE * Math.max(1, k));
      }),
      { numRuns: 80 },
    );
  });

  it('matches the reference across cache blocks (k > 256, n not a multiple of 4)', () => {
    const a = randomMatrix(131, 300, 1);
    const b = randomMatrix(300, 67, 2);
    expect(maxAbsDiff(matmul(a, b), naiveMatmul(a, b))).toBeLessThan(1e-11);
  });

  it.each(['js', 'wasm'] as const)(
    'the %s micro-kernel agrees with the reference on strided operands',
    (kernel) => {
      const a = randomMatrix(70, 260, 3);
      const b = randomMatrix(45, 260, 4); // used transposed
      const c = new Float64Array(70 * 45).fill(Number.NaN);
      gemm(
        45,
        260,
        { data: a.data, rowStride: 260, colStride: 1 },
        { data: b.data, rowStride: 1, colStride: 260 },
        c,
        45,
        0,
        70,
        kernel,
      );
      expect(maxAbsDiff(createMatrix(70, 45, c), naiveMatmul(a, naiveTranspose(b)))).toBeLessThan(1e-11);
    },
  );

  it('writes into out and returns it; a zero inner dimension gives zeros', () => {
    const out = createMatrix(2, 3);
    out.data.fill(7);
    expect(matmul(createMatrix(2, 0), createMatrix(0, 3), out)).toBe(out);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects mismatched shapes naming both, malformed input, a wrong out and aliasing', () => {
    expect(() => matmul(createMatrix(2, 3), createMatrix(2, 3))).toThrow(ShapeError);
    expect(() => matmul(createMatrix(2, 3), createMatrix(2, 3))).toThrow(/a is 2x3 and b is 2x3/);
    expect(() => matmul({ rows: 2, cols: 2, data: new Float64Array(3) }, createMatrix(2, 2))).toThrow(
      /a\.data has 3/,
    );
    expect(() => matmul(createMatrix(2, 2), { rows: 2, cols: 2 } as never)).toThrow(InvalidInputError);
    expect(() => matmul(createMatrix(2, 3), createMatrix(3, 4), createMatrix(2, 3))).toThrow(
      /out must be 2x4/,
    );
    const a = createMatrix(3, 3);
    expect(() => matmul(a, createMatrix(3, 3), a)).toThrow(/must not share memory/);
  });

  it('names the inner dimensions each variant needs, and the transposed shapes of a wrong out', () => {
    const [a, b] = [createMatrix(2, 3), createMatrix(4, 5)];
    expect(() => matmul(a, b)).toThrow('matmul needs a.cols === b.rows: a is 2x3 and b is 4x5');
    expect(() => matmulTransposeA(a, b)).toThrow(
      'matmulTransposeA needs a.rows === b.rows: a is 2x3 and b is 4x5',
    );
    expect(() => matmulTransposeB(a, b)).toThrow(
      'matmulTransposeB needs a.cols === b.cols: a is 2x3 and b is 4x5',
    );
    expect(() => matmulTransposeA(createMatrix(3, 2), createMatrix(3, 4), createMatrix(1, 1))).toThrow(
      /aᵀ \(2x3\) · b \(3x4\)/,
    );
    expect(() => matmulTransposeB(createMatrix(2, 3), createMatrix(4, 3), createMatrix(1, 1))).toThrow(
      /a \(2x3\) · bᵀ \(3x4\)/,
    );
  });
});

describe('matmulTransposeA / matmulTransposeB / gram', () => {
  it('match the naive products with explicit transposes', () => {
    fc.assert(
      fc.property(size, size, size, fc.integer(), (m, k, n, seed) => {
        const a = randomMatrix(k, m, seed);
        const b = randomMatrix(k, n, seed + 7);
        expect(maxAbsDiff(matmulTransposeA(a, b), naiveMatmul(naiveTranspose(a), b))).toBeLessThanOrEqual(
          TOLERANCE * Math.max(1, k),
        );
        const c = randomMatrix(m, k, seed + 3);
        const d = randomMatrix(n, k, seed + 4);
        expect(maxAbsDiff(matmulTransposeB(c, d), naiveMatmul(c, naiveTranspose(d)))).toBeLessThanOrEqual(
          TOLERANCE * Math.max(1, k),
        );
        const g = gram(a);
        expect(maxAbsDiff(g, naiveMatmul(naiveTranspose(a), a))).toBeLessThanOrEqual(
          TOLERANCE * Math.max(1, k),
        );
        for (let i = 0; i < g.rows; i++)
          for (let j = 0; j < i; j++) expect(g.data[i * g.cols + j]).toBe(g.data[j * g.cols + i]);
      }),
      { numRuns: 60 },
    );
  });

  it('name both shapes when they do not fit', () => {
    expect(() => matmulTransposeA(createMatrix(2, 3), createMatrix(4, 3))).toThrow(/a is 2x3 and b is 4x3/);
    expect(() => matmulTransposeB(createMatrix(2, 3), createMatrix(2, 4))).toThrow(/a is 2x3 and b is 2x4/);
    expect(() => gram(createMatrix(5, 3), createMatrix(5, 5))).toThrow(/out must be 3x3/);
  });
});

describe('row-block functions', () => {
  it('assemble the full product from disjoint row blocks on SharedArrayBuffer matrices', () => {
    const a = randomMatrix(37, 21, 11);
    const b = randomMatrix(21, 19, 12);
    const sa = createSharedMatrix(37, 21);
    sa.data.set(a.data);
    const out = createSharedMatrix(37, 19);
    expect(out.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const [start, end] of rowBlocks(37, 3)) matmulRows(sa, b, out, start, end);
    expect(maxAbsDiff(out, naiveMatmul(a, b))).toBeLessThan(1e-12);
    const outT = createSharedMatrix(37, 19);
    const bt = naiveTranspose(b);
    for (const [start, end] of rowBlocks(37, 4)) matmulTransposeBRows(sa, bt, outT, start, end);
    expect(maxAbsDiff(outT, naiveMatmul(a, b))).toBeLessThan(1e-12);
  });

  it('leaves rows outside the block untouched and rejects a bad range', () => {
    const a = randomMatrix(6, 4, 5);
    const b = randomMatrix(4, 3, 6);
    const out = createMatrix(6, 3);
    out.data.fill(-1);
    matmulRows(a, b, out, 2, 4);
    expect(Array.from(out.data.subarray(0, 6))).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(Array.from(out.data.subarray(12))).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(() => matmulRows(a, b, out, 4, 2)).toThrow(/rowStart\.\.rowEnd/);
    expect(() => matmulRows(a, b, out, 0, 7)).toThrow(ShapeError);
  });
});
