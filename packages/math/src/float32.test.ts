import { createMatrix, fromArray, ShapeError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { fromFloat32, toFloat32 } from './float32.js';

describe('toFloat32 / fromFloat32', () => {
  it('stores in half the bytes and round-trips to float32 precision', () => {
    const x = fromArray([
      [1 / 3, 2],
      [1e10, -0.1],
    ]);
    const small = toFloat32(x);
    expect(small.data).toBeInstanceOf(Float32Array);
    expect(small.data.byteLength).toBe(x.data.byteLength / 2);
    const back = fromFloat32(small);
    for (const [k, v] of back.data.entries()) {
      expect(Math.abs(v - (x.data[k] as number))).toBeLessThanOrEqual(
        Math.abs(x.data[k] as number) * 2 ** -24,
      );
    }
    const out = createMatrix(2, 2);
    expect(fromFloat32(small, out)).toBe(out);
  });

  it('rejects malformed input and a wrong out', () => {
    expect(() => fromFloat32({ rows: 2, cols: 2, data: new Float32Array(3) })).toThrow(ShapeError);
    expect(() => fromFloat32(toFloat32(createMatrix(1, 2)), createMatrix(2, 1))).toThrow(/out must be 1x2/);
  });
});
