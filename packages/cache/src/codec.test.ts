import { CacheError, createMatrix, InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from './codec.js';
import { hashKey } from './hash-key.js';

const typedArray = fc.oneof(
  fc.float64Array({ maxLength: 16 }),
  fc.float32Array({ maxLength: 16 }),
  fc.int8Array({ maxLength: 16 }),
  fc.uint8Array({ maxLength: 16 }),
  fc.uint8ClampedArray({ maxLength: 16 }),
  fc.int16Array({ maxLength: 16 }),
  fc.uint16Array({ maxLength: 16 }),
  fc.int32Array({ maxLength: 16 }),
  fc.uint32Array({ maxLength: 16 }),
  fc.bigInt64Array({ maxLength: 8 }),
  fc.bigUint64Array({ maxLength: 8 }),
);
const matrix = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }))
  .chain(([rows, cols]) =>
    fc
      .float64Array({ minLength: rows * cols, maxLength: rows * cols })
      .map((data) => createMatrix(rows, cols, data)),
  );
const leaf = fc.oneof(
  fc.jsonValue(),
  fc.double(),
  fc.constant(-0),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date(),
  typedArray,
  matrix,
  fc.uint8Array({ maxLength: 16 }).map((bytes) => bytes.buffer),
  fc.uint8Array({ maxLength: 16 }).map((bytes) => new DataView(bytes.buffer)),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object'), tie('map'), tie('set')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  map: fc
    .array(fc.tuple(fc.oneof(fc.string(), fc.integer()), tie('value')), { maxLength: 3 })
    .map((pairs) => new Map(pairs)),
  set: fc.array(tie('value'), { maxLength: 3 }).map((items) => new Set(items)),
}));

describe('encodeValue / decodeValue', () => {
  it('property: every supported value round-trips exactly (same type, same bits)', () => {
    fc.assert(
      fc.property(value, (original) => {
        const decoded = decodeValue(encodeValue(original));
        // toEqual, because a null-prototype object comes back with Object.prototype
        // (its only loss); hashKey then tells -0 from 0, undefined from missing, holes,
        // element types and Map/Set/Date/bigint apart: together, an exact check.
        expect(decoded).toEqual(original);
        expect(hashKey(decoded)).toBe(hashKey(original));
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips -0, NaN, undefined fields and sparse arrays', () => {
    const sparse = [1];
    sparse[2] = 3;
    const decoded = decodeValue(encodeValue({ z: -0, n: Number.NaN, u: undefined, s: sparse })) as {
      z: number;
      n: number;
      s: unknown[];
    };
    expect(Object.is(decoded.z, -0)).toBe(true);
    expect(decoded.n).toBeNaN();
    expect(Object.hasOwn(decoded, 'u')).toBe(true);
    expect(1 in decoded.s).toBe(false);
  });

  it('encodes a typed array compactly: its bytes plus a small header, only the view', () => {
    const floats = new Float64Array(10_000);
    expect(encodeValue(floats).byteLength).toBeLessThan(80_000 + 32);
    const view = new Float64Array(floats.buffer, 8, 2);
    expect(encodeValue(view).byteLength).toBeLessThan(64);
  });

  it('rejects values it cannot round-trip, naming the path', () => {
    expect(() => encodeValue({ model: new (class Model {})() })).toThrow(InvalidInputError);
    expect(() => encodeValue({ model: new (class Model {})() })).toThrow(
      'value.model is a class instance (Model)',
    );
    expect(() => encodeValue([() => 1], 'result')).toThrow('result[0] is a function');
  });

  it('rejects bytes that are not an encoded value with CacheError', () => {
    expect(() => decodeValue(new Uint8Array([1, 2, 3]))).toThrow(CacheError);
  });
});
