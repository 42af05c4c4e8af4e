import { InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { xxhash128 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { hashKey } from './hash-key.js';
import { Hasher } from './hasher.js';

describe('Hasher', () => {
  it('gives the plain xxh128 of its input, matching hash-wasm, for any length and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 40_000 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        async (bytes, cuts) => {
          const hasher = new Hasher();
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          let start = 0;
          for (const point of [...points, bytes.length]) {
            hasher.update(bytes.subarray(start, point));
            start = point;
          }
          expect(hasher.digest()).toBe(await xxhash128(bytes));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hashes strings as UTF-8 and typed arrays by their bytes (views respected)', async () => {
    expect(new Hasher().update('héllo ✓').digest()).toBe(await xxhash128('héllo ✓'));
    const floats = new Float64Array([1, 2, 3, 4]);
    const view = new Float64Array(floats.buffer, 8, 2);
    expect(new Hasher().update(view).digest()).toBe(await xxhash128(new Uint8Array(floats.buffer, 8, 16)));
    expect(new Hasher().update(floats.buffer).digest()).toBe(await xxhash128(new Uint8Array(floats.buffer)));
  });

  it('starts over after digest and after reset', () => {
    const hasher = new Hasher();
    const first = hasher.update('abc').digest();
    expect(hasher.update('abc').digest()).toBe(first);
    hasher.update('zzz').reset();
    expect(hasher.update('abc').digest()).toBe(first);
    expect(Buffer.from(hasher.update('abc').digestBytes()).toString('hex')).toBe(first);
  });

  it('updateValue feeds the hashKey encoding, and resets after a rejected value', () => {
    const value = { a: [1, 2], b: new Float32Array([1.5]) };
    expect(new Hasher().updateValue(value).digest()).toBe(hashKey(value));
    const hasher = new Hasher();
    expect(() => hasher.updateValue({ fn: () => 1 })).toThrow('value.fn is a function');
    expect(hasher.updateValue(value).digest()).toBe(hashKey(value));
  });

  it('rejects other input with InvalidInputError naming the argument', () => {
    expect(() => new Hasher().update(42 as unknown as string)).toThrow(InvalidInputError);
    expect(() => new Hasher().update(null as unknown as string)).toThrow(
      'data must be a string, an ArrayBuffer or a typed array, got null',
    );
  });
});
