import { InvalidInputError } from '@toolbox/contracts';

export interface BufferPoolOptions {
  /** Most bytes kept idle in the pool; releases beyond it are dropped for the GC. Default 64 MiB. */
  maxBytes?: number;
}

export interface BufferPoolStats {
  /** `acquire` calls served from the pool. */
  hits: number;
  /** `acquire` calls that allocated. */
  misses: number;
  /** Bytes currently idle in the pool. */
  idleBytes: number;
  /** Arrays currently idle in the pool. */
  idleBuffers: number;
}

/**
 * Reuses scratch `Float64Array`s by exact length, so that hot loops calling kernels with
 * `out` arguments stop allocating (and stop feeding the GC). `acquire` returns an array
 * of the requested length (contents unspecified unless `zero` is set); `release` gives
 * it back. Bounded by `maxBytes`; `dispose()` drops everything.
 */
export class BufferPool {
  readonly #maxBytes: number;
  readonly #free = new Map<number, Float64Array[]>();
  #idleBytes = 0;
  #idleBuffers = 0;
  #hits = 0;
  #misses = 0;
  #disposed = false;

  constructor(options: BufferPoolOptions = {}) {
    const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new InvalidInputError(
        `options.maxBytes must be a non-negative integer, got ${String(maxBytes)}`,
        {
          details: { argument: 'options.maxBytes', value: maxBytes },
        },
      );
    }
    this.#maxBytes = maxBytes;
  }

  /** A Float64Array of exactly `length` elements, from the pool when one is idle. */
  acquire(length: number, options: { zero?: boolean } = {}): Float64Array {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new InvalidInputError(`length must be a non-negative integer, got ${String(length)}`, {
        details: { argument: 'length', value: length },
      });
    }
    const stack = this.#free.get(length);
    const reused = stack?.pop();
    if (reused === undefined) {
      this.#misses++;
      return new Float64Array(length);
    }
    this.#hits++;
    this.#idleBytes -= reused.byteLength;
    this.#idleBuffers--;
    if (options.zero === true) reused.fill(0);
    return reused;
  }

  /** Returns an array to the pool (ignored after `dispose()` or beyond `maxBytes`). */
  release(buffer: Float64Array): void {
    if (!(buffer instanceof Float64Array)) {
      throw new InvalidInputError('buffer must be a Float64Array', { details: { argument: 'buffer' } });
    }
    if (this.#disposed || this.#idleBytes + buffer.byteLength > this.#maxBytes) return;
    if (buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength) return;
    const stack = this.#free.get(buffer.length);
    if (stack?.includes(buffer)) return;
    if (stack === undefined) this.#free.set(buffer.length, [buffer]);
    else stack.push(buffer);
    this.#idleBytes += buffer.byteLength;
    this.#idleBuffers++;
  }

  stats(): BufferPoolStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      idleBytes: this.#idleBytes,
      idleBuffers: this.#idleBuffers,
    };
  }

  /** Drops every idle array. The pool stays usable. */
  clear(): void {
    this.#free.clear();
    this.#idleBytes = 0;
    this.#idleBuffers = 0;
  }

  /** Drops every idle array and stops keeping released ones. */
  dispose(): void {
    this.clear();
    this.#disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
