import { createMatrix, type DenseMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemm, packLines } from './_gemm.js';
import { maxAbsDiff, naiveMatmul, naiveTranspose, randomMatrix } from './_naive.js';
import { gram, matmul, matmulTransposeA, matmulTransposeB } from './matmul.js';
import { prepareMatmul } from './prepared-matmul.js';

// Below the small-work cut-off (32³ multiply-adds), around the 4-wide tiles, and past
// the 64-row (MC) and 256-deep (KC) blocks.
const size = fc.oneof(
  fc.constantFrom(0, 1, 3, 4, 5, 63, 64, 65, 129, 257, 300),
  fc.integer({ min: 0, max: 40 }),
);

/** Bit-for-bit equality of two products (same shape, same doubles). */
function expectIdentical(actual: DenseMatrix, expected: DenseMatrix): void {
  expect([actual.rows, actual.cols]).toEqual([expected.rows, expected.cols]);
  expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
}

describe('prepareMatmul', () => {
  it('gives the same products as the plain matrix, on either side, transposed or not', () => {
    fc.assert(
      fc.property(size, size, fc.integer({ min: 0, max: 12 }), fc.integer(), (rows, cols, other, seed) => {
        const x = randomMatrix(rows, cols, seed);
        const px = prepareMatmul(x);
        expect([px.rows, px.cols]).toEqual([rows, cols]);
        const right = randomMatrix(cols, other, seed + 1); // X·B
        const rightT = randomMatrix(other, cols, seed + 2); // X·Bᵀ and B·Xᵀ
        const leftT = randomMatrix(rows, other, seed + 3); // Aᵀ·X and Xᵀ·A
        const left = randomMatrix(other, rows, seed + 4); // A·X
        expectIdentical(matmul(px, right), matmul(x, right));
        expectIdentical(matmulTransposeB(px, rightT), matmulTransposeB(x, rightT));
        expectIdentical(matmulTransposeA(leftT, px), matmulTransposeA(leftT, x));
        expectIdentical(matmul(left, px), matmul(left, x));
        expectIdentical(matmulTransposeA(px, leftT), matmulTransposeA(x, leftT));
        expectIdentical(matmulTransposeB(rightT, px), matmulTransposeB(rightT, x));
        expectIdentical(matmul(px, prepareMatmul(right)), matmul(x, right));
        expect(maxAbsDiff(matmulTransposeB(px, rightT), naiveMatmul(x, naiveTranspose(rightT)))).toBeLessThan(
          1e-12 * Math.max(1, cols),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('gives the same products past the 2048-column (NC) block of the right factor', () => {
    const wide = randomMatrix(3, 2051, 1); // X as the right factor: A·X has 2051 columns
    const left = randomMatrix(7, 3, 2);
    expectIdentical(matmul(left, prepareMatmul(wide)), matmul(left, wide));
    const tall = randomMatrix(2051, 3, 3); // Xᵀ as the right factor: A·Xᵀ has 2051 columns
    expectIdentical(matmulTransposeB(left, prepareMatmul(tall)), matmulTransposeB(left, tall));
    expect(
      maxAbsDiff(matmulTransposeB(left, prepareMatmul(tall)), naiveMatmul(left, naiveTranspose(tall))),
    ).toBeLessThan(1e-12);
  });

  it.each(['js', 'wasm'] as const)(
    'the %s micro-kernel reads pre-packed panels like packed ones',
    (kernel) => {
      // A = X (70 x 600, by rows), B = Yᵀ (600 x 2050, Y's rows are B's columns): every block size is crossed.
      const [m, k, n] = [70, 600, 2050];
      const x = randomMatrix(m, k, 5);
      const y = randomMatrix(n, k, 6);
      const a = { data: x.data, rowStride: k, colStride: 1 };
      const b = { data: y.data, rowStride: 1, colStride: k };
      const packed = new Float64Array(m * n).fill(Number.NaN);
      const prepacked = new Float64Array(m * n).fill(Number.NaN);
      gemm(n, k, a, b, packed, n, 0, m, kernel);
      const aPanels = packLines(x.data, k, 1, m, k);
      const bPanels = packLines(y.data, k, 1, n, k);
      gemm(n, k, { ...a, panels: aPanels }, { ...b, panels: bPanels }, prepacked, n, 0, m, kernel);
      expect(Array.from(prepacked)).toEqual(Array.from(packed));
      expect(maxAbsDiff(createMatrix(m, n, prepacked), naiveMatmul(x, naiveTranspose(y)))).toBeLessThan(
        1e-11,
      );
    },
  );

  it('copies x: later changes to x do not change the products', () => {
    const x = randomMatrix(40, 40, 7);
    const b = randomMatrix(40, 40, 8);
    const expected = matmul(x, b);
    const px = prepareMatmul(x);
    x.data.fill(0);
    expectIdentical(matmul(px, b), expected);
    expectIdentical(matmulTransposeA(px, b), matmulTransposeA(randomMatrix(40, 40, 7), b));
  });

  it('rejects a non-matrix, and names both shapes and the argument when they do not fit', () => {
    expect(() => prepareMatmul({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(/x\.data has 3/);
    expect(() => prepareMatmul(null as never)).toThrow(InvalidInputError);
    const px = prepareMatmul(createMatrix(4, 3));
    expect(() => matmulTransposeB(px, createMatrix(2, 5))).toThrow(ShapeError);
    expect(() => matmulTransposeB(px, createMatrix(2, 5))).toThrow(/a is 4x3 and b is 2x5/);
    expect(() => matmulTransposeA(createMatrix(5, 2), px)).toThrow(/a is 5x2 and b is 4x3/);
    expect(() => matmul(createMatrix(2, 3), px)).toThrow(/a is 2x3 and b is 4x3/);
    expect(() => matmul(px, createMatrix(3, 2), createMatrix(4, 3))).toThrow(/out must be 4x2/);
    expect(() => matmul(px, { rows: 3, cols: 2 } as never)).toThrow(/b\.data must be a Float64Array/);
    expect(() => gram(px as never)).toThrow(InvalidInputError);
  });
});
