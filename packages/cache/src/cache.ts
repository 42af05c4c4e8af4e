import { serialize } from 'node:v8';
import { CacheError, InvalidInputError, type KeyValueStore } from '@toolbox/contracts';
import { LRUCache } from 'lru-cache';
import { assertPositive } from './_validate.js';
import { decodeValue } from './codec.js';
import { type DiskHit, DiskStore, type DiskStoreOptions } from './disk-store.js';
import { estimateBytes } from './estimate-bytes.js';

export interface CacheOptions {
  /** Memory (L1) budget, bytes, as charged by `estimateBytes`. Required. */
  maxBytes: number;
  /** Default time to live in memory, milliseconds; default: no expiry. */
  ttlMs?: number;
  /**
   * Optional disk (L2) tier: `dir` (shareable by several processes), `maxBytes` (size
   * cap of its files, bytes) and `ttlMs` (default time to live on disk, milliseconds;
   * default: no expiry).
   */
  disk?: DiskStoreOptions;
  /**
   * Optional shared (L3) tier, read after memory and disk and written with them, holding
   * the same encoded bytes as the disk tier: e.g. `createRedisStore` from
   * `@toolbox/cache/redis`, so that several machines share results. Its hits are promoted
   * to the tiers above. It must not throw (the Redis store turns outages into misses);
   * `getSync`/`setSync` skip it (a sync write is sent without waiting), and
   * `invalidate(predicate)` reaches it only for keys this process knows. Left open by
   * `dispose()`: it may be shared.
   */
  remote?: KeyValueStore;
}

export interface CacheSetOptions {
  /** Time to live of this entry in both tiers, milliseconds; default: each tier's `ttlMs`. */
  ttlMs?: number;
}

/** Counters of one tier. `hitRate` is hits / (hits + misses), 0 before any lookup. */
export interface TierStats {
  hits: number;
  misses: number;
  hitRate: number;
  /** Entries removed to stay within `maxBytes`. */
  evictions: number;
  bytes: number;
  entries: number;
}

export interface DiskTierStats extends TierStats {
  /** Corrupt or truncated files met (each a miss, each deleted). */
  corrupt: number;
  /** Failed writes (the value stayed in memory only). */
  writeErrors: number;
}

export interface CacheStats {
  /** Lookups answered by any tier. */
  hits: number;
  /** Lookups no tier could answer. */
  misses: number;
  hitRate: number;
  memory: TierStats;
  /** Present when the cache has a disk tier. */
  disk?: DiskTierStats;
  /** Present when the cache has a remote tier: lookups that reached it and what they found. */
  remote?: RemoteTierStats;
}

export interface RemoteTierStats {
  hits: number;
  misses: number;
  hitRate: number;
}

/** A cache hit; a box so that a cached `undefined` differs from a miss. */
export interface CacheEntry<V> {
  value: V;
}

interface MemoryEntry {
  value: unknown;
  bytes: number;
}

function hitRate(hits: number, misses: number): number {
  return hits + misses === 0 ? 0 : hits / (hits + misses);
}

function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new InvalidInputError(`key must be a string, got ${typeof key}`, { details: { argument: 'key' } });
  }
}

/**
 * Two-tier cache of values by string key: memory (lru-cache, sized in bytes) and an
 * optional disk directory. Hits on disk are promoted to memory. Values are those
 * `encodeValue` accepts; anything else throws `InvalidInputError` on `set`.
 * Create with `createCache`.
 */
export class Cache<V = unknown> {
  readonly #memory: LRUCache<string, MemoryEntry>;
  readonly #disk: DiskStore | undefined;
  readonly #remote: KeyValueStore | undefined;
  readonly #ttlMs: number | undefined;
  readonly #counts = {
    hits: 0,
    misses: 0,
    memoryHits: 0,
    memoryMisses: 0,
    evictions: 0,
    remoteHits: 0,
    remoteMisses: 0,
  };
  #disposed = false;

  constructor(options: CacheOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidInputError('options must be an object with maxBytes', {
        details: { argument: 'options' },
      });
    }
    assertPositive(options.maxBytes, 'options.maxBytes', true);
    if (options.ttlMs !== undefined) assertPositive(options.ttlMs, 'options.ttlMs', false);
    this.#ttlMs = options.ttlMs;
    this.#memory = new LRUCache<string, MemoryEntry>({
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.bytes),
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') this.#counts.evictions++;
      },
    });
    this.#disk = options.disk === undefined ? undefined : new DiskStore(options.disk, 'options.disk');
    const remote = options.remote;
    if (
      remote !== undefined &&
      (remote === null || typeof remote !== 'object' || typeof remote.get !== 'function')
    ) {
      throw new InvalidInputError(
        'options.remote must be a KeyValueStore (get, set, delete, has, clear, dispose)',
        {
          details: { argument: 'options.remote' },
        },
      );
    }
    this.#remote = remote;
  }

  #check(): void {
    if (this.#disposed) throw new CacheError('the cache is disposed');
  }

  #memoryLookup(key: string): CacheEntry<V> | undefined {
    const entry = this.#memory.get(key);
    if (entry === undefined) {
      this.#counts.memoryMisses++;
      return undefined;
    }
    this.#counts.memoryHits++;
    this.#counts.hits++;
    return { value: entry.value as V };
  }

  #promote(key: string, hit: DiskHit | undefined): CacheEntry<V> | undefined {
    if (hit === undefined) {
      this.#counts.misses++;
      return undefined;
    }
    this.#counts.hits++;
    const value = decodeValue(hit.payload) as V;
    const ttlMs = hit.expiresAt === 0 ? this.#ttlMs : Math.max(1, hit.expiresAt - Date.now());
    this.#remember(key, value, estimateBytes(value), ttlMs);
    return { value };
  }

  #remember(key: string, value: unknown, bytes: number, ttlMs: number | undefined): void {
    this.#memory.set(key, { value, bytes }, ttlMs === undefined ? {} : { ttl: Math.ceil(ttlMs) });
  }

  /** Looks `key` up in memory, then on disk: `{ value }` on a hit, `undefined` on a miss. */
  async getEntry(key: string): Promise<CacheEntry<V> | undefined> {
    this.#check();
    assertKey(key);
    const found = this.#memoryLookup(key);
    if (found) return found;
    const hit = this.#disk ? await this.#disk.read(key) : undefined;
    if (hit !== undefined || !this.#remote) return this.#promote(key, hit);
    const payload = await this.#remote.get(key);
    if (payload === undefined) {
      this.#counts.remoteMisses++;
      return this.#promote(key, undefined);
    }
    this.#counts.remoteHits++;
    // Promoted to disk too, so this machine's other processes find it there.
    await this.#disk?.write(key, payload);
    return this.#promote(key, { payload, expiresAt: 0 });
  }

  /** `getEntry` with synchronous disk reads. */
  getEntrySync(key: string): CacheEntry<V> | undefined {
    this.#check();
    assertKey(key);
    const found = this.#memoryLookup(key);
    if (found || !this.#disk) {
      if (!found) this.#counts.misses++;
      return found;
    }
    return this.#promote(key, this.#disk.readSync(key));
  }

  /** The value for `key`, or `undefined` on a miss (use `getEntry` to cache `undefined`). */
  async get(key: string): Promise<V | undefined> {
    return (await this.getEntry(key))?.value;
  }

  /** `get` with synchronous disk reads. */
  getSync(key: string): V | undefined {
    return this.getEntrySync(key)?.value;
  }

  #prepare(key: string, value: V, options: CacheSetOptions | undefined) {
    this.#check();
    assertKey(key);
    const ttlMs = options?.ttlMs;
    if (ttlMs !== undefined) assertPositive(ttlMs, 'options.ttlMs', false);
    const bytes = estimateBytes(value); // validates the value for both tiers
    this.#remember(key, value, bytes, ttlMs ?? this.#ttlMs);
    return { payload: this.#disk || this.#remote ? serialize(value) : undefined, ttlMs };
  }

  /** Writes to the remote tier, with this entry's TTL or else the store's own default. */
  #writeRemote(key: string, payload: Uint8Array | undefined, ttlMs: number | undefined): Promise<void> {
    if (!this.#remote || !payload) return Promise.resolve();
    return this.#remote.set(key, payload, ttlMs === undefined ? undefined : { ttlMs });
  }

  /**
   * Stores `value` in memory and, when there is a disk tier, on disk. A failed disk
   * write is counted in `stats().disk.writeErrors`, not thrown.
   */
  async set(key: string, value: V, options?: CacheSetOptions): Promise<void> {
    const { payload, ttlMs } = this.#prepare(key, value, options);
    await Promise.all([
      this.#disk && payload ? this.#disk.write(key, payload, ttlMs) : undefined,
      this.#writeRemote(key, payload, ttlMs),
    ]);
  }

  /** `set` with a synchronous disk write. */
  setSync(key: string, value: V, options?: CacheSetOptions): void {
    const { payload, ttlMs } = this.#prepare(key, value, options);
    if (this.#disk && payload) this.#disk.writeSync(key, payload, ttlMs);
    void this.#writeRemote(key, payload, ttlMs).catch(() => {});
  }

  /**
   * Removes one key, or every key for which `predicate` returns true, from both tiers.
   * Returns the number of entries removed (an entry in both tiers counts once).
   */
  async invalidate(keyOrPredicate: string | ((key: string) => boolean)): Promise<number> {
    this.#check();
    if (typeof keyOrPredicate === 'string') {
      const inMemory = this.#memory.delete(keyOrPredicate);
      const onDisk = (await this.#disk?.delete(keyOrPredicate)) ?? false;
      const onRemote = (await this.#remote?.delete(keyOrPredicate)) ?? false;
      return inMemory || onDisk || onRemote ? 1 : 0;
    }
    if (typeof keyOrPredicate !== 'function') {
      throw new InvalidInputError(
        `keyOrPredicate must be a string or a function, got ${keyOrPredicate === null ? 'null' : typeof keyOrPredicate}`,
        { details: { argument: 'keyOrPredicate' } },
      );
    }
    const removed = new Set<string>();
    for (const key of [...this.#memory.keys()]) {
      if (keyOrPredicate(key)) {
        this.#memory.delete(key);
        removed.add(key);
      }
    }
    let onDiskOnly = 0;
    await this.#disk?.deleteWhere((key) => {
      const match = keyOrPredicate(key);
      if (match && !removed.has(key)) onDiskOnly++;
      return match;
    });
    // The remote tier cannot be enumerated cheaply: the keys found here are removed there too.
    await Promise.all([...removed].map((key) => this.#remote?.delete(key)));
    return removed.size + onDiskOnly;
  }

  /** Empties every tier (the disk tier's files and the remote tier's keys are deleted, for every process). */
  async clear(): Promise<void> {
    this.#check();
    this.#memory.clear();
    await Promise.all([this.#disk?.clear(), this.#remote?.clear()]);
  }

  /** Removes expired entries from both tiers; returns how many (per tier, summed). */
  async pruneExpired(): Promise<number> {
    this.#check();
    const before = this.#memory.size;
    this.#memory.purgeStale();
    return before - this.#memory.size + ((await this.#disk?.pruneExpired()) ?? 0);
  }

  /** Hits, misses, hit rate, evictions, bytes and entries, overall and per tier. */
  stats(): CacheStats {
    const { hits, misses, memoryHits, memoryMisses, evictions, remoteHits, remoteMisses } = this.#counts;
    const stats: CacheStats = {
      hits,
      misses,
      hitRate: hitRate(hits, misses),
      memory: {
        hits: memoryHits,
        misses: memoryMisses,
        hitRate: hitRate(memoryHits, memoryMisses),
        evictions,
        bytes: this.#memory.calculatedSize,
        entries: this.#memory.size,
      },
    };
    if (this.#disk) {
      const disk = this.#disk.stats();
      stats.disk = { ...disk, hitRate: hitRate(disk.hits, disk.misses) };
    }
    if (this.#remote) {
      stats.remote = { hits: remoteHits, misses: remoteMisses, hitRate: hitRate(remoteHits, remoteMisses) };
    }
    return stats;
  }

  /** Drops the memory tier and waits for disk work in progress; further use throws `CacheError`. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#memory.clear();
    await this.#disk?.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/**
 * Creates a two-tier cache: `maxBytes` of memory (lru-cache), plus a disk directory
 * when `disk` is given. Options are validated here (`options.maxBytes must be a
 * positive integer, got 0`).
 */
export function createCache<V = unknown>(options: CacheOptions): Cache<V> {
  return new Cache<V>(options);
}
