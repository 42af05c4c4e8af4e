import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheError, createMatrix, InvalidInputError } from '@toolbox/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCache } from './cache.js';
import { DiskStore } from './disk-store.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolbox-cache-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createCache: memory tier', () => {
  it('stores and returns values, telling a cached undefined from a miss', async () => {
    await using cache = createCache({ maxBytes: 1_000_000 });
    await cache.set('a', { x: 1 });
    cache.setSync('u', undefined);
    expect(await cache.get('a')).toEqual({ x: 1 });
    expect(cache.getSync('a')).toEqual({ x: 1 });
    expect(await cache.getEntry('u')).toEqual({ value: undefined });
    expect(await cache.getEntry('missing')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 1, hitRate: 0.75, memory: { entries: 2 } });
    expect(cache.stats().disk).toBeUndefined();
  });

  it('charges values by their size in bytes and evicts the least recently used', async () => {
    await using cache = createCache({ maxBytes: 50_000 });
    for (let i = 0; i < 10; i++) {
      await cache.set(`k${i}`, new Float64Array(1_000)); // ~8 kB each
      await cache.get('k0'); // keep k0 recent
    }
    const stats = cache.stats();
    expect(stats.memory.bytes).toBeLessThanOrEqual(50_000);
    expect(stats.memory.entries).toBeLessThan(10);
    expect(stats.memory.evictions).toBe(10 - stats.memory.entries);
    expect(await cache.get('k0')).toBeInstanceOf(Float64Array);
    expect(await cache.get('k1')).toBeUndefined();
  });

  it('expires entries after ttlMs (cache-wide and per entry)', async () => {
    await using cache = createCache({ maxBytes: 1_000_000, ttlMs: 30 });
    await cache.set('short', 1);
    await cache.set('long', 2, { ttlMs: 3_600_000 });
    await sleep(120);
    expect(await cache.get('short')).toBeUndefined();
    expect(await cache.get('long')).toBe(2);
  });

  it('pruneExpired removes expired entries and reports how many', async () => {
    await using cache = createCache({ maxBytes: 1_000_000 });
    await cache.set('a', 1, { ttlMs: 10 });
    await cache.set('b', 2, { ttlMs: 10 });
    await cache.set('c', 3);
    await sleep(60);
    expect(await cache.pruneExpired()).toBe(2);
    expect(cache.stats().memory.entries).toBe(1);
  });

  it('invalidates by key and by predicate, and clears', async () => {
    await using cache = createCache({ maxBytes: 1_000_000 });
    for (const key of ['fit:a', 'fit:b', 'predict:a']) await cache.set(key, key);
    expect(await cache.invalidate('fit:a')).toBe(1);
    expect(await cache.invalidate('fit:a')).toBe(0);
    expect(await cache.invalidate((key) => key.startsWith('fit:'))).toBe(1);
    expect(await cache.get('predict:a')).toBe('predict:a');
    await cache.clear();
    expect(cache.stats().memory.entries).toBe(0);
  });

  it('validates options, keys and values with messages naming them', async () => {
    expect(() => createCache({ maxBytes: 0 })).toThrow('options.maxBytes must be a positive integer, got 0');
    expect(() => createCache({ maxBytes: 10, ttlMs: 0 })).toThrow(InvalidInputError);
    expect(() => createCache({ maxBytes: 10, disk: { dir, maxBytes: -5 } })).toThrow(
      'options.disk.maxBytes must be a positive integer, got -5',
    );
    expect(() => createCache(undefined as never)).toThrow(InvalidInputError);
    await using cache = createCache({ maxBytes: 1_000 });
    await expect(cache.set('k', { model: new (class Model {})() })).rejects.toThrow(
      'value.model is a class instance (Model)',
    );
    await expect(cache.get(42 as unknown as string)).rejects.toThrow('key must be a string, got number');
    await expect(cache.invalidate(7 as never)).rejects.toThrow(
      'keyOrPredicate must be a string or a function, got number',
    );
  });

  it('refuses use after dispose with CacheError', async () => {
    const cache = createCache({ maxBytes: 1_000 });
    await cache.dispose();
    await cache.dispose();
    await expect(cache.get('k')).rejects.toThrow(CacheError);
    expect(() => cache.setSync('k', 1)).toThrow('the cache is disposed');
  });
});

describe('createCache: disk tier', () => {
  it('writes through to disk and serves a new cache (another process) from there, promoting to memory', async () => {
    const matrix = createMatrix(2, 2, new Float64Array([1, 2, 3, 4]));
    const value = { matrix, labels: ['a', 'b'], when: new Date(5), big: 2n ** 70n };
    {
      await using writer = createCache({ maxBytes: 1_000_000, disk: { dir, maxBytes: 1_000_000 } });
      await writer.set('model', value);
    }
    await using reader = createCache({ maxBytes: 1_000_000, disk: { dir, maxBytes: 1_000_000 } });
    expect(await reader.get('model')).toEqual(value);
    expect(reader.stats()).toMatchObject({
      hits: 1,
      memory: { hits: 0, misses: 1, entries: 1 },
      disk: { hits: 1, misses: 0 },
    });
    expect(reader.getSync('model')).toEqual(value);
    expect(reader.stats()).toMatchObject({ hits: 2, memory: { hits: 1 }, disk: { hits: 1 } });
  });

  it('reads disk synchronously for getSync and writes synchronously for setSync', async () => {
    {
      await using writer = createCache({ maxBytes: 1_000, disk: { dir, maxBytes: 1_000_000 } });
      writer.setSync('k', new Int16Array([1, -2]));
    }
    await using reader = createCache({ maxBytes: 1_000, disk: { dir, maxBytes: 1_000_000 } });
    expect(reader.getSync('k')).toEqual(new Int16Array([1, -2]));
  });

  it('keeps values larger than the memory budget on disk only', async () => {
    await using cache = createCache({ maxBytes: 1_000, disk: { dir, maxBytes: 1_000_000 } });
    await cache.set('big', new Float64Array(10_000).fill(2));
    expect(cache.stats().memory.entries).toBe(0);
    expect(await cache.get('big')).toEqual(new Float64Array(10_000).fill(2));
    expect(cache.stats().disk?.hits).toBe(1);
  });

  it('a truncated entry is a miss, not an error, and its file is deleted', async () => {
    await using cache = createCache({ maxBytes: 1_000, disk: { dir, maxBytes: 1_000_000 } });
    await cache.set('big', new Float64Array(1_000));
    const [shard] = readdirSync(dir);
    const [name] = readdirSync(join(dir, shard as string));
    const file = join(dir, shard as string, name as string);
    truncateSync(file, 100);
    expect(await cache.get('big')).toBeUndefined();
    expect(() => statSync(file)).toThrow(/ENOENT/);
    expect(cache.stats().disk).toMatchObject({ corrupt: 1, misses: 1 });
  });

  it('uses the entry TTL on disk and keeps the remaining TTL when promoting', async () => {
    {
      await using writer = createCache({
        maxBytes: 1_000_000,
        disk: { dir, maxBytes: 1_000_000, ttlMs: 3_600_000 },
      });
      await writer.set('short', 1, { ttlMs: 1_000 });
      await writer.set('long', 2);
    }
    await using reader = createCache({ maxBytes: 1_000_000, disk: { dir, maxBytes: 1_000_000 } });
    expect(await reader.get('short')).toBe(1); // promoted with ≤ 1 s left
    await sleep(1_300);
    expect(await reader.get('short')).toBeUndefined();
    expect(await reader.get('long')).toBe(2);
  });

  it('invalidate and clear reach both tiers; pruneExpired counts both', async () => {
    await using cache = createCache({ maxBytes: 1_000_000, disk: { dir, maxBytes: 1_000_000 } });
    for (const key of ['fit:a', 'fit:b', 'predict:a']) await cache.set(key, key);
    expect(await cache.invalidate((key) => key.startsWith('fit:'))).toBe(2);
    expect(await cache.invalidate('predict:a')).toBe(1);
    const disk = new DiskStore({ dir, maxBytes: 1_000_000 });
    expect(await disk.get('fit:a')).toBeUndefined();
    expect(await disk.get('predict:a')).toBeUndefined();
    await cache.set('x', 1, { ttlMs: 10 });
    await sleep(60);
    expect(await cache.pruneExpired()).toBe(2); // once in memory, once on disk
    await cache.set('y', 1);
    await cache.clear();
    expect(await disk.get('y')).toBeUndefined();
    await disk.dispose();
  });

  it('reports disk bytes and entries', async () => {
    await using cache = createCache({ maxBytes: 1_000_000, disk: { dir, maxBytes: 1_000_000 } });
    await cache.set('a', new Uint8Array(1_000));
    await cache.set('b', new Uint8Array(2_000));
    const disk = cache.stats().disk;
    expect(disk?.entries).toBe(2);
    expect(disk?.bytes).toBeGreaterThan(3_000);
  });
});
