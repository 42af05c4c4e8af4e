import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLevel1 } from './_level1.js';

describe('level-1 kernels (WebAssembly SIMD and JS)', () => {
  it('dot, axpy and rot agree with plain loops for every length and offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 37 }),
        fc.integer({ min: 0, max: 5 }),
        // y starts past the end of x (5 + 37) so the ranges never overlap: with overlap,
        // axpy reads x values it has already updated and the expected values differ.
        fc.integer({ min: 43, max: 48 }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0, max: Math.PI, noNaN: true }),
        (len, x, y, alpha, angle) => {
          for (const kernel of ['wasm', 'js'] as const) {
            const k = createLevel1(100, kernel);
            for (let i = 0; i < 100; i++) k.heap[i] = Math.sin(i * 1.7) * 3;
            const before = Float64Array.from(k.heap.subarray(0, 100));
            let expected = 0;
            for (let i = 0; i < len; i++) expected += (before[x + i] as number) * (before[y + i] as number);
            // The SIMD dot sums in another order: up to 37 products of magnitude 9 differ by ~1e-12.
            expect(k.dot(x, y, len)).toBeCloseTo(expected, 10);
            k.axpy(alpha, x, y, len);
            for (let i = 0; i < 100; i++) {
              const inRange = i >= y && i < y + len;
              const want = inRange
                ? (before[i] as number) + alpha * (before[x + i - y] as number)
                : before[i];
              expect(k.heap[i]).toBeCloseTo(want as number, 12);
            }
            const [c, s] = [Math.cos(angle), Math.sin(angle)];
            const mid = Float64Array.from(k.heap.subarray(0, 100));
            k.rot(x, y, len, c, s);
            for (let i = 0; i < len; i++) {
              const a = mid[x + i] as number;
              const b = mid[y + i] as number;
              expect(k.heap[x + i]).toBeCloseTo(c * a + s * b, 12);
              expect(k.heap[y + i]).toBeCloseTo(c * b - s * a, 12);
            }
            expect(k.heap[y + len]).toBe(mid[y + len]);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hands out zeroed scratch even when the memory was used before', () => {
    const first = createLevel1(64, 'wasm');
    first.heap.fill(5, 0, 64);
    const second = createLevel1(64, 'wasm');
    expect(Array.from(second.heap.subarray(0, 64))).toEqual(new Array(64).fill(0));
  });
});
