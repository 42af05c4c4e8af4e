import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CacheError } from '@toolbox/contracts';

/**
 * xxHash128 from hash-wasm's WebAssembly binary, driven synchronously.
 *
 * hash-wasm only offers asynchronous constructors (it compiles with
 * `WebAssembly.compile`), but `hashKey` must be synchronous. hash-wasm ships the
 * binary base64-encoded inside its per-algorithm bundle, so we read it from there once
 * and compile it with the synchronous `new WebAssembly.Module` (fine at 10 kB). The
 * calling protocol (a 16 kB input buffer at `Hash_GetBuffer()`, `Hash_Init`,
 * `Hash_Update(length)`, `Hash_Final`, digest at the buffer start) is hash-wasm's own
 * (lib/WASMInterface.ts); a test checks our digests against hash-wasm's `xxhash128`.
 */

// The WebAssembly API is not in this project's type libraries: describe what we use.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WasmApi };

interface Xxh128Exports {
  memory: { buffer: ArrayBuffer };
  Hash_GetBuffer(): number;
  Hash_Init(bits: number): void;
  Hash_Update(length: number): void;
  Hash_Final(padding: number): void;
}

/** hash-wasm's input buffer size (MAX_HEAP); the hash state lives right after it. */
export const CHUNK_BYTES = 16 * 1024;

const DIGEST_BYTES = 16;
const BUNDLE = 'xxhash128.umd.min.js';
const EMBEDDED = /name:"xxhash128",data:"([A-Za-z0-9+/=]+)"/;

let compiled: object | undefined;

function loadModule(): object {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  let source: string;
  try {
    source = readFileSync(join(dirname(require.resolve('hash-wasm')), BUNDLE), 'utf8');
  } catch (error) {
    throw new CacheError(`cannot read hash-wasm's ${BUNDLE}; is hash-wasm 4.13 installed?`, {
      cause: error,
    });
  }
  const match = EMBEDDED.exec(source);
  if (!match?.[1]) {
    throw new CacheError(`hash-wasm's ${BUNDLE} no longer embeds the xxhash128 binary as expected`);
  }
  compiled = new wasm.Module(Buffer.from(match[1], 'base64'));
  return compiled;
}

/**
 * One xxHash128 state in its own WebAssembly instance, with a buffered writer: small
 * writes go straight into the wasm input buffer, which is hashed when full.
 */
export class Xxh128 {
  readonly #exports: Xxh128Exports;
  /** The wasm input buffer (its memory never grows, so the views stay valid). */
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Bytes written into `bytes` and not yet hashed. */
  used = 0;

  constructor() {
    const instance = new wasm.Instance(loadModule(), {});
    this.#exports = instance.exports as unknown as Xxh128Exports;
    const offset = this.#exports.Hash_GetBuffer();
    this.bytes = new Uint8Array(this.#exports.memory.buffer, offset, CHUNK_BYTES);
    this.view = new DataView(this.#exports.memory.buffer, offset, CHUNK_BYTES);
    this.reset();
  }

  /** Starts a new hash (seed 0). */
  reset(): void {
    this.bytes.fill(0, 0, 8); // the seed, read by Hash_Init
    this.#exports.Hash_Init(0);
    this.used = 0;
  }

  /** Hashes the buffered bytes. */
  flush(): void {
    if (this.used > 0) this.#exports.Hash_Update(this.used);
    this.used = 0;
  }

  /** Makes room for `count` ≤ CHUNK_BYTES contiguous bytes; returns the write offset. */
  reserve(count: number): number {
    if (this.used + count > CHUNK_BYTES) this.flush();
    const at = this.used;
    this.used += count;
    return at;
  }

  /** Appends raw bytes, copying them through the input buffer. */
  write(data: Uint8Array): void {
    let read = 0;
    const length = data.length;
    while (read < length) {
      const take = Math.min(CHUNK_BYTES - this.used, length - read);
      this.bytes.set(read === 0 && take === length ? data : data.subarray(read, read + take), this.used);
      this.used += take;
      read += take;
      if (this.used === CHUNK_BYTES) this.flush();
    }
  }

  /** Finishes the hash and returns its 16 bytes (big-endian as xxh128 canonical form). */
  digest(): Uint8Array {
    this.flush();
    this.#exports.Hash_Final(0);
    const out = this.bytes.slice(0, DIGEST_BYTES);
    this.reset();
    return out;
  }
}

const idle: Xxh128[] = [];
const MAX_IDLE = 8;

/**
 * Borrows a reset state. States are pooled per process because instantiating one costs
 * a 128 kB wasm memory; nested borrowers (a `toJSON` calling `hashKey`, a Set inside a
 * Map) each get their own.
 */
export function acquireState(): Xxh128 {
  return idle.pop() ?? new Xxh128();
}

/** Returns a borrowed state to the pool, reset. */
export function releaseState(state: Xxh128): void {
  state.reset();
  if (idle.length < MAX_IDLE) idle.push(state);
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Lower-case hex of a digest. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] as number];
  return out;
}
