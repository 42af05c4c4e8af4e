import { createMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomMatrix } from './_naive.js';
import { dot, norm2 } from './vector.js';

describe('dot / norm2', () => {
  it('match the plain sum on random vectors and matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer(), (n, seed) => {
        const x = randomMatrix(1, n, seed).data;
        const y = randomMatrix(1, n, seed + 1).data;
        let s = 0;
        let q = 0;
        for (let k = 0; k < n; k++) {
          s += (x[k] as number) * (y[k] as number);
          q += (x[k] as number) ** 2;
        }
        expect(dot(x, y)).toBeCloseTo(s, 12);
        expect(norm2(x)).toBeCloseTo(Math.sqrt(q), 12);
        const a = randomMatrix(3, n, seed);
        expect(dot(a, a)).toBeCloseTo(norm2(a) ** 2, 10);
      }),
    );
  });

  it('norm2 neither overflows nor underflows', () => {
    expect(norm2(new Float64Array([3e200, 4e200]))).toBeCloseTo(5e200, -190);
    expect(norm2(new Float64Array([3e-200, 4e-200])) / 5e-200).toBeCloseTo(1, 12);
    expect(norm2(new Float64Array([]))).toBe(0);
    expect(norm2(new Float64Array([1, Number.NaN]))).toBeNaN();
  });

  it('rejects different sizes and non-vectors', () => {
    expect(() => dot(new Float64Array(2), new Float64Array(3))).toThrow(ShapeError);
    expect(() => dot(createMatrix(2, 3), createMatrix(3, 2))).toThrow(/same size/);
    expect(() => dot([1, 2] as never, new Float64Array(2))).toThrow(InvalidInputError);
  });
});
