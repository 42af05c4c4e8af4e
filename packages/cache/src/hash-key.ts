import { hashValue } from './_hash-value.js';

/**
 * Stable, content-based 128-bit key of `value` (xxHash128, 32 hex characters).
 *
 * Equal content gives equal keys: plain objects regardless of key order, `Map` and
 * `Set` regardless of insertion order, typed arrays, `ArrayBuffer` and `DataView` by
 * their raw bytes plus element type and length, `DenseMatrix` by shape and data,
 * `Date` by time, `bigint` exactly; `-0` differs from `0`, `NaN` equals `NaN`,
 * `{ a: undefined }` differs from `{}`. Objects with `toJSON` are keyed by its result.
 * Functions, symbols, class instances without `toJSON` and cycles throw
 * `InvalidInputError` naming the path (`value.model.fn`).
 *
 * Keys are stable across processes and versions of this package with the same
 * encoding; typed arrays are hashed in platform byte order (little-endian everywhere
 * Node runs in practice).
 */
export function hashKey(value: unknown): string {
  return hashValue(value, 'value');
}
