import { createMatrix, fromArray, InvalidInputError, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomMatrix } from './_naive.js';
import { add, axpy, scale, sub } from './elementwise.js';

const shape = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer());

describe('add / sub / scale / axpy', () => {
  it('match element-wise references on random shapes', () => {
    fc.assert(
      fc.property(shape, fc.double({ min: -10, max: 10, noNaN: true }), ([r, c, seed], alpha) => {
        const a = randomMatrix(r, c, seed);
        const b = randomMatrix(r, c, seed + 1);
        const sum = add(a, b);
        const diff = sub(a, b);
        const scaled = scale(a, alpha);
        const y = createMatrix(r, c, Float64Array.from(b.data));
        expect(axpy(alpha, a, y)).toBe(y);
        for (let k = 0; k < a.data.length; k++) {
          const x = a.data[k] as number;
          const z = b.data[k] as number;
          expect(sum.data[k]).toBe(x + z);
          expect(diff.data[k]).toBe(x - z);
          expect(scaled.data[k]).toBe(alpha * x);
          expect(y.data[k]).toBeCloseTo(z + alpha * x, 14);
        }
      }),
    );
  });

  it('may write in place into an operand', () => {
    const a = fromArray([[1, 2]]);
    expect(add(a, fromArray([[3, 4]]), a)).toBe(a);
    expect(Array.from(a.data)).toEqual([4, 6]);
  });

  it('reject mismatched shapes naming both, and a non-finite alpha', () => {
    expect(() => add(createMatrix(2, 3), createMatrix(3, 2))).toThrow(ShapeError);
    expect(() => sub(createMatrix(2, 3), createMatrix(3, 2))).toThrow(/a \(2x3\) and b \(3x2\)/);
    expect(() => axpy(1, createMatrix(1, 2), createMatrix(2, 1))).toThrow(/x \(1x2\) and y \(2x1\)/);
    expect(() => scale(createMatrix(1, 1), Number.NaN)).toThrow(InvalidInputError);
    expect(() => scale(createMatrix(1, 1), Number.NaN)).toThrow(/alpha must be a finite number/);
  });
});
