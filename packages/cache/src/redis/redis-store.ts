import { InvalidInputError, type KeyValueStore } from '@toolbox/contracts';
import { Redis, type RedisOptions } from 'ioredis';
import { assertPositive } from '../_validate.js';

export interface RedisStoreOptions {
  /** Redis: a `redis://host:port[/db]` URL, ioredis options, or an ioredis client (left open by `dispose()`). Required. */
  redis: string | RedisOptions | Redis;
  /** Cap on the bytes of values this store keeps in Redis, bytes; the least recently written go first. Required. */
  maxBytes: number;
  /** Default time to live, milliseconds; default: no expiry. */
  ttlMs?: number;
  /** Prefix of every key, so that several caches share one Redis; default `'toolbox:cache:'`. */
  keyPrefix?: string;
  /** A command not answered within this many milliseconds counts as an outage (a miss); default 500. */
  commandTimeoutMs?: number;
  /** Told once per outage (and once when Redis is back); default `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

export interface RedisStoreStats {
  hits: number;
  misses: number;
  writes: number;
  /** Entries removed to stay within `maxBytes`. */
  evictions: number;
  /** Commands that failed or timed out (each a miss or a skipped write). */
  errors: number;
  /** Outages seen: runs of failures between successes. */
  outages: number;
  /** True while the last command failed. */
  degraded: boolean;
}

/**
 * Stores the value with its TTL, records its size and write time, then drops the oldest
 * entries (sizes from the size hash) until the total is within the cap; returns evictions.
 * KEYS: value key, index zset, sizes hash, total counter. ARGV: bytes, ttl ms (0: none), now, cap, value.
 */
const SET_SCRIPT = `
local old = tonumber(redis.call('HGET', KEYS[3], KEYS[1]) or '0')
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], ARGV[5], 'PX', ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[5])
end
redis.call('HSET', KEYS[3], KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
local total = redis.call('INCRBY', KEYS[4], tonumber(ARGV[1]) - old)
local evicted = 0
while total > tonumber(ARGV[4]) do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if oldest == nil then break end
  redis.call('ZREM', KEYS[2], oldest)
  local size = tonumber(redis.call('HGET', KEYS[3], oldest) or '0')
  redis.call('HDEL', KEYS[3], oldest)
  redis.call('DEL', oldest)
  total = redis.call('DECRBY', KEYS[4], size)
  if oldest ~= KEYS[1] then evicted = evicted + 1 end
end
return evicted
`;

/** Deletes one entry and its bookkeeping. KEYS: value key, index, sizes, total. */
const DELETE_SCRIPT = `
local size = tonumber(redis.call('HGET', KEYS[3], KEYS[1]) or '0')
redis.call('HDEL', KEYS[3], KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
redis.call('DECRBY', KEYS[4], size)
return redis.call('DEL', KEYS[1])
`;

/**
 * A `KeyValueStore` on Redis, shared by every process and machine using the same prefix:
 * the L3 tier of `createCache({ remote })`. It never throws to the caller once created:
 * an unreachable or slow Redis makes `get` a miss and `set` a no-op, with one warning
 * per outage. Create with `createRedisStore`.
 */
export class RedisStore implements KeyValueStore {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #maxBytes: number;
  readonly #ttlMs: number | undefined;
  readonly #prefix: string;
  readonly #where: string;
  readonly #warn: (message: string) => void;
  readonly #stats: RedisStoreStats = {
    hits: 0,
    misses: 0,
    writes: 0,
    evictions: 0,
    errors: 0,
    outages: 0,
    degraded: false,
  };
  #disposed = false;

  constructor(options: RedisStoreOptions) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidInputError('options must be an object with redis and maxBytes', {
        details: { argument: 'options' },
      });
    }
    assertPositive(options.maxBytes, 'options.maxBytes', true);
    if (options.ttlMs !== undefined) assertPositive(options.ttlMs, 'options.ttlMs', false);
    const commandTimeoutMs = options.commandTimeoutMs ?? 500;
    assertPositive(commandTimeoutMs, 'options.commandTimeoutMs', false);
    if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
      throw new InvalidInputError('options.onWarning must be a function', {
        details: { argument: 'options.onWarning' },
      });
    }
    this.#maxBytes = options.maxBytes;
    this.#ttlMs = options.ttlMs;
    this.#prefix = options.keyPrefix ?? 'toolbox:cache:';
    if (typeof this.#prefix !== 'string') {
      throw new InvalidInputError('options.keyPrefix must be a string', {
        details: { argument: 'options.keyPrefix' },
      });
    }
    this.#warn = options.onWarning ?? ((message) => process.emitWarning(message, 'ToolboxCacheWarning'));
    const shared = { commandTimeout: commandTimeoutMs, maxRetriesPerRequest: 1, lazyConnect: false };
    const redis = options.redis;
    if (redis instanceof Redis) {
      this.#client = redis;
      this.#ownsClient = false;
    } else if (typeof redis === 'string') {
      if (!/^rediss?:\/\//.test(redis)) {
        throw new InvalidInputError(
          `options.redis must be a redis:// URL, ioredis options or client, got a string`,
          {
            details: { argument: 'options.redis' },
          },
        );
      }
      this.#client = new Redis(redis, shared);
      this.#ownsClient = true;
    } else if (redis !== null && typeof redis === 'object') {
      this.#client = new Redis({ ...redis, ...shared });
      this.#ownsClient = true;
    } else {
      throw new InvalidInputError('options.redis must be a redis:// URL, ioredis options or client', {
        details: { argument: 'options.redis' },
      });
    }
    const { host, port } = this.#client.options;
    this.#where = `${host ?? '127.0.0.1'}:${port ?? 6379}`;
    // ioredis reconnects on its own; without a listener a refused connection is an unhandled 'error' event.
    this.#client.on('error', () => {});
  }

  #key(key: string): string {
    return `${this.#prefix}v:${key}`;
  }

  get #bookkeeping(): [string, string, string] {
    return [`${this.#prefix}index`, `${this.#prefix}sizes`, `${this.#prefix}bytes`];
  }

  /** Runs a command; on failure counts it, warns once per outage and returns `fallback`. */
  async #attempt<T>(command: () => Promise<T>, fallback: T): Promise<T> {
    if (this.#disposed) return fallback;
    try {
      const value = await command();
      if (this.#stats.degraded) {
        this.#stats.degraded = false;
        this.#warn(`the Redis cache tier at ${this.#where} is reachable again`);
      }
      return value;
    } catch (error) {
      this.#stats.errors++;
      if (!this.#stats.degraded) {
        this.#stats.degraded = true;
        this.#stats.outages++;
        this.#warn(
          `the Redis cache tier at ${this.#where} is unavailable (${(error as Error).message}); lookups miss and writes are skipped until it is back`,
        );
      }
      return fallback;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const found = await this.#attempt(() => this.#client.getBuffer(this.#key(key)), null);
    if (found === null) {
      this.#stats.misses++;
      return undefined;
    }
    this.#stats.hits++;
    return new Uint8Array(found.buffer, found.byteOffset, found.byteLength);
  }

  async set(key: string, value: Uint8Array, options?: { ttlMs?: number }): Promise<void> {
    const ttlMs = options?.ttlMs ?? this.#ttlMs;
    // A value larger than the whole cap would only evict everything, itself included.
    if (value.byteLength > this.#maxBytes) return;
    const evicted = await this.#attempt(
      () =>
        this.#client.eval(
          SET_SCRIPT,
          4,
          this.#key(key),
          ...this.#bookkeeping,
          value.byteLength,
          ttlMs === undefined ? 0 : Math.max(1, Math.ceil(ttlMs)),
          Date.now(),
          this.#maxBytes,
          Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        ) as Promise<number>,
      undefined,
    );
    if (evicted !== undefined) {
      this.#stats.writes++;
      this.#stats.evictions += evicted;
    }
  }

  async delete(key: string): Promise<boolean> {
    const removed = await this.#attempt(
      () => this.#client.eval(DELETE_SCRIPT, 4, this.#key(key), ...this.#bookkeeping) as Promise<number>,
      0,
    );
    return removed > 0;
  }

  async has(key: string): Promise<boolean> {
    return (await this.#attempt(() => this.#client.exists(this.#key(key)), 0)) > 0;
  }

  /** Removes every key under this store's prefix. */
  async clear(): Promise<void> {
    await this.#attempt(async () => {
      let cursor = '0';
      do {
        const [next, keys] = await this.#client.scan(cursor, 'MATCH', `${this.#prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await this.#client.del(...keys);
      } while (cursor !== '0');
    }, undefined);
  }

  /** Bytes this store's entries take in Redis by its own count (expired entries count until evicted). */
  async bytes(): Promise<number> {
    return Number(await this.#attempt(() => this.#client.get(this.#bookkeeping[2]), null));
  }

  stats(): RedisStoreStats {
    return { ...this.#stats };
  }

  /** Closes the connection it opened (a client passed in is left open); further calls are misses. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#ownsClient) this.#client.disconnect();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/**
 * Creates a Redis store for `createCache({ remote })`: values under `keyPrefix`, at most
 * `maxBytes` of them, each with `ttlMs` unless `set` says otherwise.
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}
