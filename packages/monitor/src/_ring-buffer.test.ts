import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from './_ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the last `capacity` items in insertion order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer(), { maxLength: 60 }),
        (capacity, items) => {
          const ring = new RingBuffer<number>(capacity);
          for (const item of items) ring.push(item);
          const expected = items.slice(-capacity);
          expect(ring.toArray()).toEqual(expected);
          expect(ring.size).toBe(expected.length);
          expect(ring.last()).toBe(expected.at(-1));
        },
      ),
    );
  });
});
