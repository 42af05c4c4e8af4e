import { InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSharedMatrix, rowBlocks } from './shared.js';

describe('createSharedMatrix', () => {
  it('allocates a zeroed matrix over a SharedArrayBuffer', () => {
    const m = createSharedMatrix(3, 2);
    expect(m).toMatchObject({ rows: 3, cols: 2 });
    expect(m.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(m.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects bad dimensions by name', () => {
    expect(() => createSharedMatrix(-1, 2)).toThrow(/rows must be a non-negative integer/);
    expect(() => createSharedMatrix(2, 1.5)).toThrow(InvalidInputError);
  });
});

describe('rowBlocks', () => {
  it('covers 0..rows with contiguous, non-empty blocks differing in size by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 20 }), (rows, parts) => {
        const blocks = rowBlocks(rows, parts);
        expect(blocks.length).toBe(Math.min(rows, parts));
        let next = 0;
        const sizes = blocks.map(([start, end]) => {
          expect(start).toBe(next);
          next = end;
          return end - start;
        });
        expect(next).toBe(rows);
        if (sizes.length > 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (const s of sizes) expect(s).toBeGreaterThan(0);
      }),
    );
  });

  it('rejects a non-positive part count', () => {
    expect(() => rowBlocks(10, 0)).toThrow(/parts must be a positive integer, got 0/);
  });
});
