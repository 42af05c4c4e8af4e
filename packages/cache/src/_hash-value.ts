import { type DenseMatrix, InvalidInputError, isDenseMatrix } from '@toolbox/contracts';
import { acquireState, releaseState, toHex, type Xxh128 } from './_xxh128.js';

/**
 * The byte encoding `hashKey` feeds to xxHash128: a tag byte per value, lengths before
 * contents, so that distinct values give distinct byte streams. Bump `FORMAT` whenever
 * the encoding changes (keys on disk from the old encoding then simply miss).
 */
const FORMAT = 1;

enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  Number = 4,
  NaN = 5,
  String = 6,
  StringUtf16 = 7,
  BigInt = 8,
  Date = 9,
  Array = 10,
  Hole = 11,
  Object = 12,
  Map = 13,
  Set = 14,
  TypedArray = 15,
  ArrayBuffer = 16,
  SharedArrayBuffer = 17,
  Matrix = 18,
  ToJson = 19,
}

const VIEW_KINDS: Record<string, number> = {
  Int8Array: 1,
  Uint8Array: 2,
  Uint8ClampedArray: 3,
  Int16Array: 4,
  Uint16Array: 5,
  Int32Array: 6,
  Uint32Array: 7,
  Float32Array: 8,
  Float64Array: 9,
  BigInt64Array: 10,
  BigUint64Array: 11,
  DataView: 12,
  Float16Array: 13,
};

/** Strings up to this many UTF-16 units (≤ 3 UTF-8 bytes each) are encoded straight into the wasm buffer. */
const SHORT_STRING = 4096;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const encoder = new TextEncoder();

/** Sorts in place like `Array.prototype.sort()`; insertion sort for the usual few keys. */
function sortKeys(keys: string[]): void {
  if (keys.length > 12) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
}

function isWellFormed(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * A path segment: an array index, an object key, or a function giving its text.
 * Formatting waits until an error needs the path, keeping the walk cheap.
 */
type Segment = number | string | (() => string);

function formatPath(root: string, segments: readonly Segment[]): string {
  let path = root;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'string')
      path += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
    else path += segment();
  }
  return path;
}

const DATA: Segment = () => '.data';
const TO_JSON: Segment = () => '.toJSON()';
const KEY: Segment = () => '.key';

/** Walks one value into a hash state. */
class ValueWriter {
  /** Objects being walked, outermost first (an array: shallow searches beat a Set here). */
  readonly #ancestors: object[] = [];
  readonly #segments: Segment[];

  constructor(
    private readonly state: Xxh128,
    private readonly root: string,
    /** Path of the parent writer, for members of a Set or Map hashed separately. */
    prefix: Segment[] = [],
  ) {
    this.#segments = prefix;
  }

  #fail(problem: string): never {
    const path = formatPath(this.root, this.#segments);
    throw new InvalidInputError(`${path} ${problem}`, { details: { argument: path } });
  }

  #tag(tag: Tag): void {
    const at = this.state.reserve(1);
    this.state.bytes[at] = tag;
  }

  #tagged(tag: Tag, number: number): void {
    const at = this.state.reserve(9);
    this.state.bytes[at] = tag;
    this.state.view.setFloat64(at + 1, number, true);
  }

  #string(value: string): void {
    const state = this.state;
    const length = value.length;
    if (length <= SHORT_STRING) {
      // Tag, length, then the UTF-8 bytes: ASCII written directly, anything else by encodeInto.
      const at = state.reserve(9 + 3 * length);
      const bytes = state.bytes;
      bytes[at] = Tag.String;
      state.view.setFloat64(at + 1, length, true);
      let i = 0;
      for (; i < length; i++) {
        const unit = value.charCodeAt(i);
        if (unit >= 0x80) break;
        bytes[at + 9 + i] = unit;
      }
      if (i === length) {
        state.used = at + 9 + length;
        return;
      }
      if (isWellFormed(value)) {
        const { written } = encoder.encodeInto(value, bytes.subarray(at + 9));
        state.used = at + 9 + written;
        return;
      }
      state.used = at; // not well-formed: give the space back, encode below
    }
    const wellFormed = isWellFormed(value);
    this.#tagged(wellFormed ? Tag.String : Tag.StringUtf16, length);
    if (wellFormed) {
      state.write(Buffer.from(value, 'utf8'));
    } else {
      // Lone surrogates would all become U+FFFD in UTF-8: hash the UTF-16 units instead.
      const units = new Uint16Array(length);
      for (let i = 0; i < length; i++) units[i] = value.charCodeAt(i);
      state.write(new Uint8Array(units.buffer));
    }
  }

  #bytes(tag: Tag, kind: number, bytes: Uint8Array): void {
    const at = this.state.reserve(10);
    this.state.bytes[at] = tag;
    this.state.bytes[at + 1] = kind;
    this.state.view.setFloat64(at + 2, bytes.byteLength, true);
    this.state.write(bytes);
  }

  #child(segment: Segment, value: unknown): void {
    this.#segments.push(segment);
    this.value(value);
    this.#segments.pop();
  }

  /** Digest of one unordered member (a Set value or Map entry), as hex for sorting. */
  #memberDigest(segment: Segment, write: (writer: ValueWriter) => void): string {
    const state = acquireState();
    try {
      const writer = new ValueWriter(state, this.root, [...this.#segments, segment]);
      writer.#ancestors.push(...this.#ancestors);
      write(writer);
      return toHex(state.digest());
    } finally {
      releaseState(state);
    }
  }

  value(value: unknown): void {
    switch (typeof value) {
      case 'undefined':
        this.#tag(Tag.Undefined);
        break;
      case 'boolean':
        this.#tag(value ? Tag.True : Tag.False);
        break;
      case 'number':
        // One NaN, whatever its bit pattern; -0 and 0 differ by their bits.
        if (Number.isNaN(value)) this.#tag(Tag.NaN);
        else this.#tagged(Tag.Number, value);
        break;
      case 'string':
        this.#string(value);
        break;
      case 'bigint':
        this.#tag(Tag.BigInt);
        this.#string(value.toString(16));
        break;
      case 'object':
        if (value === null) this.#tag(Tag.Null);
        else this.#object(value);
        break;
      default:
        this.#fail(`is a ${typeof value}, which cannot be part of a cache key`);
    }
  }

  #object(value: object): void {
    if (Array.isArray(value)) {
      this.#enter(value);
      this.#array(value);
      this.#ancestors.pop();
      return;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      this.#enter(value);
      this.#plain(value as Record<string, unknown>);
      this.#ancestors.pop();
      return;
    }
    if (ArrayBuffer.isView(value)) {
      // Buffer reports Uint8Array here: same bytes, same key.
      const kind = VIEW_KINDS[Object.prototype.toString.call(value).slice(8, -1)] ?? 0;
      this.#bytes(Tag.TypedArray, kind, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    } else if (value instanceof ArrayBuffer) {
      this.#bytes(Tag.ArrayBuffer, 0, new Uint8Array(value));
    } else if (value instanceof SharedArrayBuffer) {
      this.#bytes(Tag.SharedArrayBuffer, 0, new Uint8Array(value));
    } else if (value instanceof Date) {
      this.#tagged(Tag.Date, value.getTime());
    } else {
      this.#enter(value);
      if (value instanceof Map) this.#map(value);
      else if (value instanceof Set) this.#set(value);
      else if (isDenseMatrix(value)) this.#matrix(value);
      else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') this.#toJson(value);
      else {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
        this.#fail(`is a class instance (${name}) without toJSON, which cannot be part of a cache key`);
      }
      this.#ancestors.pop();
    }
  }

  #enter(value: object): void {
    if (this.#ancestors.includes(value)) this.#fail('refers back to one of its parents (a cycle)');
    this.#ancestors.push(value);
  }

  #matrix(value: DenseMatrix): void {
    this.#tagged(Tag.Matrix, value.rows);
    this.#tagged(Tag.Matrix, value.cols);
    this.#child(DATA, value.data);
  }

  #toJson(value: object): void {
    this.#tag(Tag.ToJson);
    this.#child(TO_JSON, (value as { toJSON(): unknown }).toJSON());
  }

  #array(value: unknown[]): void {
    this.#tagged(Tag.Array, value.length);
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === undefined && !(i in value)) this.#tag(Tag.Hole);
      else this.#child(i, item);
    }
  }

  #plain(value: Record<string, unknown>): void {
    if (typeof value.toJSON === 'function') {
      this.#toJson(value);
      return;
    }
    const keys = Object.keys(value);
    // A plain { rows, cols, data } keys like a DenseMatrix class instance.
    if (keys.length === 3 && isDenseMatrix(value)) {
      this.#matrix(value);
      return;
    }
    sortKeys(keys);
    this.#tagged(Tag.Object, keys.length);
    for (const key of keys) {
      this.#string(key);
      this.#child(key, value[key]);
    }
  }

  #map(value: Map<unknown, unknown>): void {
    const digests: string[] = [];
    let i = 0;
    for (const [key, entry] of value) {
      const index = i;
      const label = () =>
        `.get(${typeof key === 'string' || typeof key === 'number' ? JSON.stringify(key) : `#${index}`})`;
      digests.push(
        this.#memberDigest(label, (writer) => {
          writer.#child(KEY, key);
          writer.value(entry);
        }),
      );
      i++;
    }
    this.#unordered(Tag.Map, digests);
  }

  #set(value: Set<unknown>): void {
    const digests: string[] = [];
    let i = 0;
    for (const item of value) {
      const index = i++;
      digests.push(
        this.#memberDigest(
          () => `.values[${index}]`,
          (writer) => writer.value(item),
        ),
      );
    }
    this.#unordered(Tag.Set, digests);
  }

  #unordered(tag: Tag, digests: string[]): void {
    digests.sort();
    this.#tagged(tag, digests.length);
    for (const digest of digests) this.#string(digest);
  }
}

/** Feeds `value`'s canonical encoding into `state`; `root` names it in error messages. */
export function writeValue(state: Xxh128, value: unknown, root: string): void {
  const at = state.reserve(1);
  state.bytes[at] = FORMAT;
  new ValueWriter(state, root).value(value);
}

/** `hashKey` with a chosen name for the value in error messages (memoize uses `args`). */
export function hashValue(value: unknown, root: string): string {
  const state = acquireState();
  try {
    writeValue(state, value, root);
    return toHex(state.digest());
  } finally {
    releaseState(state);
  }
}
