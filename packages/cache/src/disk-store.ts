import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyValueStore } from '@toolbox/contracts';
import { CacheError, InvalidInputError } from '@toolbox/contracts';
import {
  decodeEntry,
  type EntryContents,
  encodeEntry,
  HEADER_BYTES,
  isExpired,
  readExpiry,
} from './_entry-file.js';
import { assertPositive } from './_validate.js';
import { toHex, Xxh128 } from './_xxh128.js';

export interface DiskStoreOptions {
  /** Directory holding the entries (created when missing); may be shared by several processes. */
  dir: string;
  /** Size cap for all entry files together, bytes. Least recently used files go first. */
  maxBytes: number;
  /** Default time to live of an entry, milliseconds; default: no expiry. */
  ttlMs?: number;
}

/** Counters of one disk store, as seen by this process. */
export interface DiskStoreStats {
  hits: number;
  misses: number;
  /** Entries deleted to keep the size cap. */
  evictions: number;
  /** Corrupt or truncated files found (each was a miss and was deleted). */
  corrupt: number;
  /** Failed writes (the entry is then simply not on disk). */
  writeErrors: number;
  /** Bytes of entry files, as of this process's last scan plus its own writes since. */
  bytes: number;
  /** Entry files, counted like `bytes`. */
  entries: number;
}

/** A disk read that found a valid, unexpired entry. */
export interface DiskHit {
  payload: Uint8Array;
  /** Milliseconds since the epoch; 0 when the entry never expires. */
  expiresAt: number;
}

/** Eviction stops once the total is at or below this share of `maxBytes`. */
const LOW_WATER = 0.9;
/** Rescan after this share of `maxBytes` was written, to see other processes' writes. */
const RESCAN_SHARE = 0.1;
/** Temp files older than this are leftovers of a crashed writer. */
const STALE_TEMP_MS = 10 * 60_000;
const SHARD = /^[0-9a-f]{2}$/;
const ENTRY = /^[0-9a-f]{30}$/;
const TEMP_PREFIX = '.tmp-';

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function ignoreMissing(error: unknown): void {
  if (code(error) !== 'ENOENT') throw error;
}

interface FileInfo {
  path: string;
  bytes: number;
  accessedMs: number;
}

/**
 * The L2 tier: one file per entry under `dir/ab/cdef…` (the xxHash128 of the key),
 * written to a temp file and renamed into place, so readers in any process see a
 * whole old file or a whole new one. Each file carries a header with format version,
 * lengths and a checksum; a corrupt or truncated file is a miss and is deleted. The
 * size cap is kept by deleting the least recently used files (a hit refreshes the
 * file's mtime). A file that vanishes mid-read (another process evicted it) is a miss.
 */
export class DiskStore implements KeyValueStore {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #ttlMs: number | undefined;
  readonly #state = new Xxh128();
  readonly #index = new Map<string, number>();
  #indexBytes = 0;
  #writtenSinceScan = 0;
  #scanned = false;
  #eviction: Promise<void> | undefined;
  #evictAgain = false;
  #disposed = false;
  #tempCounter = 0;
  readonly #tempTag = randomBytes(4).toString('hex');
  readonly #stats = { hits: 0, misses: 0, evictions: 0, corrupt: 0, writeErrors: 0 };

  constructor(options: DiskStoreOptions, name = 'options') {
    if (typeof options?.dir !== 'string' || options.dir.length === 0) {
      throw new InvalidInputError(`${name}.dir must be a non-empty path, got ${String(options?.dir)}`, {
        details: { argument: `${name}.dir` },
      });
    }
    assertPositive(options.maxBytes, `${name}.maxBytes`, true);
    if (options.ttlMs !== undefined) assertPositive(options.ttlMs, `${name}.ttlMs`, false);
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
    this.#ttlMs = options.ttlMs;
  }

  /** Path of the file for `key`. */
  pathOf(key: string): string {
    this.#state.write(Buffer.from(key, 'utf8'));
    const hex = toHex(this.#state.digest());
    return join(this.#dir, hex.slice(0, 2), hex.slice(2));
  }

  #check(): void {
    if (this.#disposed) throw new CacheError('the disk store is disposed');
  }

  #expiry(ttlMs: number | undefined): number {
    const ttl = ttlMs ?? this.#ttlMs;
    if (ttl !== undefined) assertPositive(ttl, 'options.ttlMs', false);
    return ttl === undefined ? 0 : Date.now() + ttl;
  }

  /** Reads `key`: the payload and expiry, or `undefined` on a miss. */
  async read(key: string): Promise<DiskHit | undefined> {
    this.#check();
    if (!this.#scanned && !this.#eviction) this.#inBackground(this.evict());
    const path = this.pathOf(key);
    let file: Uint8Array;
    let inode: number;
    try {
      const handle = await open(path, 'r');
      try {
        inode = (await handle.stat()).ino;
        file = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (error) {
      return this.#readFailed(error);
    }
    const entry = decodeEntry(this.#state, file);
    if (entry === 'corrupt' || entry.key !== key || isExpired(entry.expiresAt, Date.now())) {
      if (entry === 'corrupt') this.#stats.corrupt++;
      if (entry === 'corrupt' || entry.key === key) await this.#discard(path, inode);
      this.#stats.misses++;
      return undefined;
    }
    this.#stats.hits++;
    const now = new Date();
    await utimes(path, now, now).catch(ignoreMissing);
    return { payload: entry.payload, expiresAt: entry.expiresAt };
  }

  /** `read` with synchronous file I/O, for synchronous memoized functions. */
  readSync(key: string): DiskHit | undefined {
    this.#check();
    if (!this.#scanned && !this.#eviction) this.#inBackground(this.evict());
    const path = this.pathOf(key);
    let file: Uint8Array;
    let inode: number;
    try {
      const fd = openSync(path, 'r');
      try {
        inode = fstatSync(fd).ino;
        file = readFileSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      return this.#readFailed(error);
    }
    const entry = decodeEntry(this.#state, file);
    if (entry === 'corrupt' || entry.key !== key || isExpired(entry.expiresAt, Date.now())) {
      if (entry === 'corrupt') this.#stats.corrupt++;
      if (entry === 'corrupt' || entry.key === key) this.#discardSync(path, inode);
      this.#stats.misses++;
      return undefined;
    }
    this.#stats.hits++;
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch (error) {
      ignoreMissing(error);
    }
    return { payload: entry.payload, expiresAt: entry.expiresAt };
  }

  #readFailed(error: unknown): undefined {
    if (code(error) !== 'ENOENT') {
      throw new CacheError(`cannot read a disk cache entry in ${this.#dir}`, { cause: error });
    }
    this.#stats.misses++;
    return undefined;
  }

  // Delete only the file we read: another process may have renamed a good one over it.
  async #discard(path: string, inode: number): Promise<void> {
    try {
      if ((await stat(path)).ino === inode) await unlink(path);
    } catch (error) {
      ignoreMissing(error);
    }
    this.#forget(path);
  }

  #discardSync(path: string, inode: number): void {
    try {
      if (statSync(path).ino === inode) unlinkSync(path);
    } catch (error) {
      ignoreMissing(error);
    }
    this.#forget(path);
  }

  #forget(path: string): void {
    const bytes = this.#index.get(path);
    if (bytes === undefined) return;
    this.#index.delete(path);
    this.#indexBytes -= bytes;
  }

  #remember(path: string, bytes: number): void {
    this.#forget(path);
    this.#index.set(path, bytes);
    this.#indexBytes += bytes;
    this.#writtenSinceScan += bytes;
  }

  #prepare(key: string, payload: Uint8Array, ttlMs: number | undefined) {
    const contents: EntryContents = { key, payload, expiresAt: this.#expiry(ttlMs) };
    const file = encodeEntry(this.#state, contents);
    const path = this.pathOf(key);
    const shard = join(path, '..');
    const temp = join(shard, `${TEMP_PREFIX}${process.pid}-${this.#tempTag}-${this.#tempCounter++}`);
    return { file, path, shard, temp };
  }

  /**
   * Writes `key`. Returns false when the entry was not written: larger than the cap, or
   * the write failed (counted in `writeErrors`; a cache keeps working without its disk).
   */
  async write(key: string, payload: Uint8Array, ttlMs?: number): Promise<boolean> {
    this.#check();
    const { file, path, shard, temp } = this.#prepare(key, payload, ttlMs);
    if (file.length > this.#maxBytes) return false;
    try {
      await mkdir(shard, { recursive: true });
      await writeFile(temp, file, { flag: 'wx' });
      await rename(temp, path);
    } catch {
      this.#stats.writeErrors++;
      await unlink(temp).catch(() => undefined);
      return false;
    }
    this.#remember(path, file.length);
    await this.#maybeEvict().catch(() => undefined); // retried by the next write that makes one due
    return true;
  }

  /** `write` with synchronous file I/O; eviction, when due, runs in the background. */
  writeSync(key: string, payload: Uint8Array, ttlMs?: number): boolean {
    this.#check();
    const { file, path, shard, temp } = this.#prepare(key, payload, ttlMs);
    if (file.length > this.#maxBytes) return false;
    try {
      mkdirSync(shard, { recursive: true });
      writeFileSync(temp, file, { flag: 'wx' });
      renameSync(temp, path);
    } catch {
      this.#stats.writeErrors++;
      try {
        unlinkSync(temp);
      } catch {}
      return false;
    }
    this.#remember(path, file.length);
    this.#inBackground(this.#maybeEvict());
    return true;
  }

  // A failed background scan is retried by the next write that makes one due.
  #inBackground(work: Promise<void>): void {
    work.catch(() => undefined);
  }

  #maybeEvict(): Promise<void> {
    const due =
      !this.#scanned ||
      this.#indexBytes > this.#maxBytes ||
      this.#writtenSinceScan > this.#maxBytes * RESCAN_SHARE;
    return due ? this.evict() : Promise.resolve();
  }

  /**
   * Rescans the directory and deletes least recently used files until the total is at
   * most 90 % of `maxBytes` (when it is over `maxBytes`). One run at a time.
   */
  evict(): Promise<void> {
    if (this.#eviction) {
      this.#evictAgain = true;
      return this.#eviction;
    }
    const run = async (): Promise<void> => {
      do {
        this.#evictAgain = false;
        await this.#evictOnce();
      } while (this.#evictAgain);
    };
    this.#eviction = run().finally(() => {
      this.#eviction = undefined;
    });
    return this.#eviction;
  }

  async #evictOnce(): Promise<void> {
    this.#writtenSinceScan = 0;
    const files = await this.#scan();
    let total = files.reduce((sum, file) => sum + file.bytes, 0);
    if (total > this.#maxBytes) {
      files.sort((a, b) => a.accessedMs - b.accessedMs);
      for (const file of files) {
        if (total <= this.#maxBytes * LOW_WATER) break;
        try {
          await unlink(file.path);
          this.#stats.evictions++;
        } catch (error) {
          ignoreMissing(error); // another process evicted it first
        }
        total -= file.bytes;
        file.bytes = -1;
      }
    }
    this.#index.clear();
    this.#indexBytes = 0;
    for (const file of files) {
      if (file.bytes < 0) continue;
      this.#index.set(file.path, file.bytes);
      this.#indexBytes += file.bytes;
    }
    this.#scanned = true;
  }

  /** Every entry file with its size and last access; removes stale temp files. */
  async #scan(): Promise<FileInfo[]> {
    const files: FileInfo[] = [];
    const now = Date.now();
    for (const shard of await this.#shards()) {
      const dir = join(this.#dir, shard);
      const names = await readdir(dir).catch((error: unknown) => {
        ignoreMissing(error);
        return [] as string[];
      });
      for (const name of names) {
        const path = join(dir, name);
        const isTemp = name.startsWith(TEMP_PREFIX);
        if (!isTemp && !ENTRY.test(name)) continue;
        try {
          const info = await stat(path);
          if (isTemp) {
            if (now - info.mtimeMs > STALE_TEMP_MS) await unlink(path);
          } else files.push({ path, bytes: info.size, accessedMs: info.mtimeMs });
        } catch (error) {
          ignoreMissing(error);
        }
      }
    }
    return files;
  }

  async #shards(): Promise<string[]> {
    try {
      return (await readdir(this.#dir)).filter((name) => SHARD.test(name));
    } catch (error) {
      ignoreMissing(error);
      return [];
    }
  }

  /**
   * Visits every entry's header, deleting the files for which `drop` returns true (it
   * may read the entry's key); returns how many were deleted.
   */
  async #sweep(drop: (expiresAt: number, key: () => Promise<string | undefined>) => Promise<boolean>) {
    let dropped = 0;
    for (const file of await this.#scan()) {
      let handle: Awaited<ReturnType<typeof open>> | undefined;
      try {
        handle = await open(file.path, 'r');
        const header = new Uint8Array(HEADER_BYTES);
        const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
        const expiresAt = readExpiry(header.subarray(0, bytesRead));
        const readKey = async (): Promise<string | undefined> => {
          const entry = decodeEntry(this.#state, await handle!.readFile());
          return entry === 'corrupt' ? undefined : entry.key;
        };
        // A corrupt header is dropped like an expired entry.
        if (expiresAt === 'corrupt' || (await drop(expiresAt, readKey))) {
          await unlink(file.path);
          this.#forget(file.path);
          dropped++;
        }
      } catch (error) {
        ignoreMissing(error);
      } finally {
        await handle?.close();
      }
    }
    return dropped;
  }

  /** Deletes expired (and corrupt) entry files; returns how many. */
  pruneExpired(): Promise<number> {
    this.#check();
    const now = Date.now();
    return this.#sweep(async (expiresAt) => isExpired(expiresAt, now));
  }

  /** Deletes the entries whose key satisfies `predicate`; returns how many. */
  deleteWhere(predicate: (key: string) => boolean): Promise<number> {
    this.#check();
    return this.#sweep(async (_expiresAt, readKey) => {
      const key = await readKey();
      return key !== undefined && predicate(key);
    });
  }

  // KeyValueStore

  async get(key: string): Promise<Uint8Array | undefined> {
    return (await this.read(key))?.payload;
  }

  async set(key: string, value: Uint8Array, options?: { ttlMs?: number }): Promise<void> {
    await this.write(key, value, options?.ttlMs);
  }

  async has(key: string): Promise<boolean> {
    return (await this.read(key)) !== undefined;
  }

  async delete(key: string): Promise<boolean> {
    this.#check();
    const path = this.pathOf(key);
    this.#forget(path);
    try {
      await unlink(path);
      return true;
    } catch (error) {
      ignoreMissing(error);
      return false;
    }
  }

  /** Deletes every entry file (in-flight temp files of other processes are left alone). */
  async clear(): Promise<void> {
    this.#check();
    for (const file of await this.#scan()) await unlink(file.path).catch(ignoreMissing);
    this.#index.clear();
    this.#indexBytes = 0;
  }

  stats(): DiskStoreStats {
    return { ...this.#stats, bytes: this.#indexBytes, entries: this.#index.size };
  }

  /** Waits for a running eviction; the store refuses further use. Files stay on disk. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    await this.#eviction?.catch(() => undefined);
    this.#disposed = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** A `KeyValueStore` of byte values on disk; see `DiskStore`. */
export function createDiskStore(options: DiskStoreOptions): DiskStore {
  return new DiskStore(options);
}
