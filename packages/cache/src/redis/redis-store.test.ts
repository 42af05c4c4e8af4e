import { InvalidInputError } from '@toolbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The one redis-server helper of the repository (test-only, in the executor's BullMQ tests).
import {
  type RedisServer,
  startRedisServer,
} from '../../../executor/src/bullmq/_redis-server.test-helper.js';
import { createCache } from '../cache.js';
import { decodeValue, encodeValue } from '../codec.js';
import { createRedisStore, type RedisStore } from './redis-store.js';

let redis: RedisServer;
const open: RedisStore[] = [];
let prefixes = 0;

function store(options: Partial<Parameters<typeof createRedisStore>[0]> = {}): {
  store: RedisStore;
  warnings: string[];
} {
  const warnings: string[] = [];
  const created = createRedisStore({
    redis: redis.url,
    maxBytes: 1 << 20,
    keyPrefix: `test${++prefixes}:`,
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  open.push(created);
  return { store: created, warnings };
}

beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);

afterAll(async () => {
  await Promise.all(open.map((created) => created.dispose()));
  await redis?.stop();
});

describe('createRedisStore', () => {
  it('stores bytes with a TTL and removes them', async () => {
    const { store: tier } = store();
    const bytes = encodeValue({ a: new Float64Array([1, 2, 3]) });
    await tier.set('k', bytes);
    expect(decodeValue((await tier.get('k')) as Uint8Array)).toEqual({ a: new Float64Array([1, 2, 3]) });
    expect(await tier.has('k')).toBe(true);
    expect(await tier.delete('k')).toBe(true);
    expect(await tier.get('k')).toBeUndefined();
    await tier.set('short', bytes, { ttlMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await tier.get('short')).toBeUndefined();
    expect(tier.stats()).toMatchObject({ hits: 1, misses: 2, errors: 0 });
  });

  it('keeps at most maxBytes, dropping the least recently written', async () => {
    const { store: tier } = store({ maxBytes: 1000 });
    for (let k = 0; k < 10; k++) await tier.set(`k${k}`, new Uint8Array(300).fill(k));
    expect(await tier.bytes()).toBeLessThanOrEqual(1000);
    expect(await tier.get('k0')).toBeUndefined();
    expect((await tier.get('k9'))?.[0]).toBe(9);
    expect(tier.stats().evictions).toBe(7);
    await tier.set('huge', new Uint8Array(2000));
    expect(await tier.get('huge')).toBeUndefined();
  });

  it('validates its options with messages naming them', () => {
    expect(() => createRedisStore({ redis: redis.url, maxBytes: 0 })).toThrow(
      /options\.maxBytes must be a positive integer, got 0/,
    );
    expect(() => createRedisStore({ redis: 'http://x', maxBytes: 1 })).toThrow(InvalidInputError);
  });
});

describe('createCache with a remote tier', () => {
  it('is read under memory and disk with the same codec, and its hits are promoted', async () => {
    const { store: tier } = store();
    const writer = createCache({ maxBytes: 1 << 20, remote: tier });
    const reader = createCache({ maxBytes: 1 << 20, remote: tier });
    const value = { rows: 2, cols: 1, data: new Float64Array([3, 4]) };
    await writer.set('m', value);
    expect(await reader.get('m')).toEqual(value);
    expect(reader.stats().remote).toEqual({ hits: 1, misses: 0, hitRate: 1 });
    expect(await reader.get('m')).toEqual(value);
    expect(reader.stats().memory.hits).toBe(1);
    expect(await reader.get('absent')).toBeUndefined();
    expect(reader.stats().remote?.misses).toBe(1);
    expect(await reader.invalidate('m')).toBe(1);
    expect(await writer.getEntry('m')).toEqual({ value });
    await writer.dispose();
    await reader.dispose();
  });

  it('a Redis outage is a miss and a skipped write with one warning, never an exception', async () => {
    const { store: tier, warnings } = store({ commandTimeoutMs: 200 });
    const cache = createCache({ maxBytes: 1 << 20, remote: tier });
    await cache.set('before', 1);
    await redis.kill();
    try {
      const other = createCache({ maxBytes: 1 << 20, remote: tier });
      for (let k = 0; k < 5; k++) {
        expect(await other.get('before')).toBeUndefined();
        await expect(other.set(`during${k}`, k)).resolves.toBeUndefined();
      }
      expect(await tier.has('before')).toBe(false);
      expect(await tier.delete('before')).toBe(false);
      await expect(tier.clear()).resolves.toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Redis cache tier at 127\.0\.0\.1:\d+ is unavailable/);
      expect(tier.stats()).toMatchObject({ degraded: true, outages: 1 });
      expect(tier.stats().errors).toBeGreaterThanOrEqual(13);
      await other.dispose();
    } finally {
      await redis.start();
    }
    // Back: the next command succeeds, once ioredis has reconnected, and says so once.
    await expect
      .poll(async () => tier.set('after', new Uint8Array([1])).then(() => tier.stats().degraded), {
        timeout: 15_000,
        interval: 200,
      })
      .toBe(false);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/reachable again/);
    await cache.dispose();
  }, 30_000);
});
