import { createMatrix, fromArray, InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomMatrix } from './_naive.js';
import { dequantizeInt8, quantizeInt8 } from './quantize.js';

describe('quantizeInt8 / dequantizeInt8', () => {
  it('round-trips every element within half its column step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer(),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        (r, c, seed, magnitude) => {
          const x = randomMatrix(r, c, seed);
          for (let k = 0; k < x.data.length; k++)
            x.data[k] = (x.data[k] as number) * magnitude + (k % c) * magnitude;
          const q = quantizeInt8(x);
          expect(q.data).toBeInstanceOf(Int8Array);
          const back = dequantizeInt8(q);
          for (let k = 0; k < x.data.length; k++) {
            const step = q.scale[k % c] as number;
            expect(Math.abs((back.data[k] as number) - (x.data[k] as number))).toBeLessThanOrEqual(
              step / 2 + 1e-12 * magnitude,
            );
          }
        },
      ),
    );
  });

  it('represents 0 exactly and uses the full code range', () => {
    const x = fromArray([[-1], [0], [3]]);
    const q = quantizeInt8(x);
    expect(Math.min(...q.data)).toBe(-128);
    expect(Math.max(...q.data)).toBe(127);
    expect(dequantizeInt8(q).data[1]).toBe(0);
    const constant = quantizeInt8(fromArray([[5], [5]]));
    expect(Array.from(dequantizeInt8(constant).data)).toEqual([5, 5]);
  });

  it('writes into out and rejects bad input by name', () => {
    const q = quantizeInt8(fromArray([[1, 2]]));
    const out = createMatrix(1, 2);
    expect(dequantizeInt8(q, out)).toBe(out);
    expect(() => quantizeInt8(fromArray([[Number.NaN]]))).toThrow(/x\[0\]\[0\] is NaN/);
    expect(() => dequantizeInt8({ ...q, data: new Float64Array(2) } as never)).toThrow(InvalidInputError);
    expect(() => dequantizeInt8({ ...q, scale: new Float64Array(1) })).toThrow(/1 scales/);
  });
});
