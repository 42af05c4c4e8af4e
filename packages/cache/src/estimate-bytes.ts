import { InvalidInputError } from '@toolbox/contracts';

/** Bytes charged per object or array header, on top of its contents. */
const OBJECT_OVERHEAD_BYTES = 16;

/**
 * Approximate in-memory size of a cacheable value, in bytes: what the L1 tier charges
 * against `maxBytes`. Typed arrays and buffers count their bytes exactly; strings two
 * bytes per code unit; numbers 8. A value reached twice is counted twice.
 *
 * Also the cache's check that a value can be stored: JSON data, `undefined`, `bigint`,
 * typed arrays, `ArrayBuffer`, `DataView`, `Date`, `Map`, `Set` and plain objects
 * (so `DenseMatrix`). Functions, symbols, class instances and cycles throw
 * `InvalidInputError` naming the path under `name` (default `'value'`).
 */
export function estimateBytes(value: unknown, name = 'value'): number {
  return measure(value, new Set(), name);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function measure(value: unknown, seen: Set<object>, path: string): number {
  switch (typeof value) {
    case 'number':
      return 8;
    case 'boolean':
      return 4;
    case 'undefined':
      return 0;
    case 'string':
      return 2 * value.length + OBJECT_OVERHEAD_BYTES;
    case 'bigint':
      return OBJECT_OVERHEAD_BYTES + Math.ceil(value.toString(16).length / 2);
    case 'object':
      break;
    default:
      throw new InvalidInputError(`${path} is a ${typeof value}, which cannot be cached`, {
        details: { argument: path },
      });
  }
  if (value === null) return 0;
  if (ArrayBuffer.isView(value)) return value.byteLength + OBJECT_OVERHEAD_BYTES;
  if (value instanceof ArrayBuffer) return value.byteLength + OBJECT_OVERHEAD_BYTES;
  if (seen.has(value)) {
    throw new InvalidInputError(`${path} refers back to one of its parents (a cycle)`, {
      details: { argument: path },
    });
  }
  seen.add(value);
  let total = OBJECT_OVERHEAD_BYTES;
  if (value instanceof Map) {
    let i = 0;
    for (const [key, entry] of value) {
      total += measure(key, seen, `${path}.keys[${i}]`) + measure(entry, seen, `${path}.get(${i})`);
      i++;
    }
  } else if (value instanceof Set) {
    let i = 0;
    for (const entry of value) total += measure(entry, seen, `${path}.values[${i++}]`);
  } else if (Array.isArray(value)) {
    value.forEach((entry, i) => {
      total += 8 + measure(entry, seen, `${path}[${i}]`);
    });
  } else if (!(value instanceof Date)) {
    if (!isPlainObject(value)) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
      throw new InvalidInputError(
        `${path} is a class instance (${kind}), which cannot be cached; store plain data instead`,
        { details: { argument: path } },
      );
    }
    for (const [key, entry] of Object.entries(value)) {
      total += 2 * key.length + measure(entry, seen, `${path}.${key}`);
    }
  }
  seen.delete(value);
  return total;
}
