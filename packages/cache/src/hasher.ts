import { InvalidInputError } from '@toolbox/contracts';
import { writeValue } from './_hash-value.js';
import { toHex, Xxh128 } from './_xxh128.js';

/** Raw input a `Hasher` accepts: bytes, or a string hashed as UTF-8. */
export type HashInput = string | ArrayBufferView | ArrayBuffer;

/**
 * Incremental xxHash128 for input that arrives in pieces (a file, a stream of rows).
 * `update` feeds raw bytes, so hashing a file in chunks gives the plain xxh128 of the
 * file; `updateValue` feeds a value's `hashKey` encoding, so
 * `new Hasher().updateValue(v).digest() === hashKey(v)`.
 * Synchronous; one instance holds its own 128 kB WebAssembly state.
 */
export class Hasher {
  readonly #state = new Xxh128();

  /** Appends raw bytes (a string as its UTF-8 bytes). */
  update(data: HashInput): this {
    if (typeof data === 'string') this.#state.write(Buffer.from(data, 'utf8'));
    else if (ArrayBuffer.isView(data)) {
      this.#state.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } else if (data instanceof ArrayBuffer) this.#state.write(new Uint8Array(data));
    else {
      throw new InvalidInputError(
        `data must be a string, an ArrayBuffer or a typed array, got ${data === null ? 'null' : typeof data}`,
        { details: { argument: 'data' } },
      );
    }
    return this;
  }

  /**
   * Appends a structured value in `hashKey`'s encoding. On `InvalidInputError` the
   * hasher is reset, since part of the value may have been fed already.
   */
  updateValue(value: unknown): this {
    try {
      writeValue(this.#state, value, 'value');
    } catch (error) {
      this.#state.reset();
      throw error;
    }
    return this;
  }

  /** The 128-bit digest as 32 lower-case hex characters; the hasher starts over. */
  digest(): string {
    return toHex(this.#state.digest());
  }

  /** The digest as 16 bytes; the hasher starts over. */
  digestBytes(): Uint8Array {
    return this.#state.digest();
  }

  /** Discards everything fed so far. */
  reset(): this {
    this.#state.reset();
    return this;
  }
}
