import { createMatrix, InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashKey } from './hash-key.js';

/** Rebuilds a value with every object's keys and every Set/Map's entries in another order. */
function reorder(value: unknown, flip: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => reorder(item, flip));
  if (value instanceof Set) return new Set([...value].reverse().map((item) => reorder(item, flip)));
  if (value instanceof Map) {
    return new Map([...value].reverse().map(([key, item]) => [key, reorder(item, flip)]));
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value);
    // fromEntries defines own properties: `out[key] =` would set the prototype for a '__proto__' key.
    return Object.fromEntries(
      (flip ? keys.reverse() : keys).map((key) => [
        key,
        reorder((value as Record<string, unknown>)[key], flip),
      ]),
    );
  }
  return value;
}

const leaf = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: true }),
  fc.float64Array({ maxLength: 8 }),
  fc.int32Array({ maxLength: 8 }),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object'), tie('set'), tie('map')),
  array: fc.array(tie('tree'), { maxLength: 4 }),
  object: fc.dictionary(fc.string(), tie('tree'), { maxKeys: 5 }),
  set: fc.array(tie('tree'), { maxLength: 4 }).map((items) => new Set(items)),
  map: fc.array(fc.tuple(fc.string(), tie('tree')), { maxLength: 4 }).map((pairs) => new Map(pairs)),
}));

describe('hashKey', () => {
  it('returns 32 lower-case hex characters (128 bits), stable for a fixed value', () => {
    const key = hashKey({ model: 'ridge', alpha: 0.5, X: new Float64Array([1, 2, 3]) });
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(hashKey({ X: new Float64Array([1, 2, 3]), alpha: 0.5, model: 'ridge' })).toBe(key);
  });

  it('property: equal values hash equal, whatever the key order of objects and the order of Sets and Maps', () => {
    fc.assert(
      fc.property(tree, (value) => {
        expect(hashKey(reorder(value, true))).toBe(hashKey(value));
        expect(hashKey(structuredClone(value))).toBe(hashKey(value));
      }),
      { numRuns: 300 },
    );
  });

  it('property: changing any single byte of a typed array changes the hash', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 50_000 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, delta) => {
          const floats = new Float64Array(bytes.buffer.slice(0, bytes.length - (bytes.length % 8)));
          const index = at % bytes.length;
          const changed = bytes.slice();
          changed[index] = ((changed[index] as number) + delta) % 256;
          expect(hashKey(changed)).not.toBe(hashKey(bytes));
          if (floats.length > 0) {
            const other = new Uint8Array(floats.buffer.slice(0));
            const byte = at % other.length;
            other[byte] = ((other[byte] as number) + delta) % 256;
            expect(hashKey(new Float64Array(other.buffer))).not.toBe(hashKey(floats));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: different JSON values hash differently', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        fc.pre(!(Object.is(a, -0) || Object.is(b, -0)));
        expect(hashKey(a)).not.toBe(hashKey(b));
      }),
      { numRuns: 300 },
    );
  });

  it('distinguishes -0 from 0, undefined from missing, holes from undefined, and types', () => {
    const distinct = [
      0,
      -0,
      Number.NaN,
      '0',
      0n,
      false,
      null,
      undefined,
      {},
      { a: undefined },
      [],
      [undefined],
      // biome-ignore lint/suspicious/noSparseArray: a hole must differ from undefined
      [,],
      new Date(0),
      new Uint8Array(8),
      new Int8Array(8),
      new Float64Array(1),
      new Uint8Array(4),
      new Uint8Array(8).buffer,
      new DataView(new ArrayBuffer(8)),
      new Set(),
      new Map(),
      'a\uD800',
      'a\uFFFD',
      ['ab', 'c'],
      ['a', 'bc'],
      { a: 'b' },
      { ab: '' },
    ];
    const keys = distinct.map((value) => hashKey(value));
    expect(new Set(keys).size).toBe(distinct.length);
  });

  it('keys NaN by value whatever its bits, Buffer like Uint8Array, and bigint exactly', () => {
    const bits = new DataView(new ArrayBuffer(8));
    bits.setUint32(0, 0x7ff80000);
    bits.setUint32(4, 1);
    expect(hashKey(bits.getFloat64(0))).toBe(hashKey(Number.NaN));
    expect(hashKey(Buffer.from([1, 2, 3]))).toBe(hashKey(new Uint8Array([1, 2, 3])));
    expect(hashKey(2n ** 100n)).not.toBe(hashKey(2n ** 100n + 1n));
    expect(hashKey(-5n)).not.toBe(hashKey(5n));
  });

  it('hashes typed arrays by the view, not the whole buffer', () => {
    const backing = new Float64Array([9, 1, 2, 9]);
    expect(hashKey(new Float64Array(backing.buffer, 8, 2))).toBe(hashKey(new Float64Array([1, 2])));
  });

  it('keys a DenseMatrix by shape and data, and a same-data matrix of another shape differently', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const a = createMatrix(2, 3, data);
    class Matrix {
      constructor(
        readonly rows: number,
        readonly cols: number,
        readonly data: Float64Array,
      ) {}
    }
    expect(hashKey(new Matrix(2, 3, data.slice()))).toBe(hashKey(a));
    expect(hashKey(createMatrix(3, 2, data))).not.toBe(hashKey(a));
  });

  it('hashes long and non-ASCII strings by content', () => {
    const long = 'é'.repeat(10_000);
    expect(hashKey(long)).toBe(hashKey(`${'é'.repeat(9_999)}é`));
    expect(hashKey(long)).not.toBe(hashKey(`${'é'.repeat(9_999)}e`));
    expect(hashKey('ß')).not.toBe(hashKey('ss'));
  });

  it('keys objects with toJSON by its result', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      toJSON() {
        return [this.x, this.y];
      }
    }
    expect(hashKey(new Point(1, 2))).toBe(hashKey(new Point(1, 2)));
    expect(hashKey(new Point(1, 2))).not.toBe(hashKey(new Point(2, 1)));
    expect(hashKey(new Point(1, 2))).not.toBe(hashKey([1, 2]));
  });

  it('accepts a value reached twice (no false cycle)', () => {
    const shared = { a: 1 };
    expect(hashKey({ x: shared, y: shared })).toBe(hashKey({ x: { a: 1 }, y: { a: 1 } }));
  });

  it('rejects functions, symbols, class instances and cycles with InvalidInputError naming the path', () => {
    expect(() => hashKey({ model: { fn: () => 1 } })).toThrow(InvalidInputError);
    expect(() => hashKey({ model: { fn: () => 1 } })).toThrow('value.model.fn is a function');
    expect(() => hashKey([1, Symbol('s')])).toThrow('value[1] is a symbol');
    expect(() => hashKey({ 'odd key': new (class Model {})() })).toThrow(
      'value["odd key"] is a class instance (Model) without toJSON',
    );
    const cyclic: Record<string, unknown> = { list: [] };
    (cyclic.list as unknown[]).push(cyclic);
    expect(() => hashKey(cyclic)).toThrow('value.list[0] refers back to one of its parents (a cycle)');
    const inSet: Record<string, unknown> = {};
    inSet.members = new Set([inSet]);
    expect(() => hashKey(inSet)).toThrow(/value\.members\.values\[0\] refers back/);
    expect(() => hashKey(new Map([['k', () => 1]]))).toThrow('value.get("k") is a function');
  });

  it('still works after an error (pooled states are reset)', () => {
    const key = hashKey({ a: [1, 2, 3] });
    expect(() => hashKey({ a: [1, 2, () => 3] })).toThrow(InvalidInputError);
    expect(hashKey({ a: [1, 2, 3] })).toBe(key);
  });

  it('is re-entrant: a toJSON may call hashKey', () => {
    const inner = { toJSON: () => hashKey({ deep: [1, 2] }) };
    expect(hashKey({ inner })).toBe(hashKey({ inner: { toJSON: () => hashKey({ deep: [1, 2] }) } }));
    expect(hashKey({ inner })).not.toBe(hashKey({ inner: { toJSON: () => 'x' } }));
  });
});
