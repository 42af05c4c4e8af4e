import { deserialize, serialize } from 'node:v8';
import { CacheError } from '@toolbox/contracts';
import { estimateBytes } from './estimate-bytes.js';

/**
 * Encodes a cacheable value to bytes: JSON data plus `undefined`, `-0`, `NaN`,
 * `bigint`, `Date`, `Map`, `Set`, every typed array, `ArrayBuffer`, `DataView` and
 * `DenseMatrix` (a plain `{ rows, cols, data }`), all round-tripping exactly. The
 * format is V8's structured serialization (typed arrays as raw bytes); a
 * null-prototype object decodes as a plain one. Anything else
 * (functions, symbols, class instances, cycles) throws `InvalidInputError` naming the path.
 */
export function encodeValue(value: unknown, name = 'value'): Uint8Array {
  estimateBytes(value, name); // validates: V8 would turn class instances into plain objects
  return serialize(value);
}

/** Decodes bytes from `encodeValue`. Throws `CacheError` when they are not such bytes. */
export function decodeValue(bytes: Uint8Array): unknown {
  try {
    return deserialize(bytes);
  } catch (error) {
    throw new CacheError('cannot decode cached bytes: not produced by encodeValue', { cause: error });
  }
}
