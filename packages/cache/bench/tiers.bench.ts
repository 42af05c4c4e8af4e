import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSuite } from '@toolbox/config/bench';
import { LRUCache } from 'lru-cache';
import { type Cache, createCache, memoize } from '../src/index.js';

let dir: string | undefined;
const caches: Cache[] = [];

function randomFloats(count: number): Float64Array {
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = Math.random();
  return data;
}

export default defineSuite({
  name: 'cache',
  cases: async () => {
    dir = mkdtempSync(join(tmpdir(), 'toolbox-cache-bench-'));
    const value = { weights: randomFloats(10_000), intercept: 0.5, features: ['a', 'b', 'c'] }; // ~80 kB

    // L1: a hit in our cache vs a hit in a bare lru-cache.
    const memory = createCache({ maxBytes: 64 * 1024 * 1024 });
    caches.push(memory);
    await memory.set('model', value);
    const bare = new LRUCache<string, object>({ max: 1000 });
    bare.set('model', value);

    // memoize hit: our hashKey-keyed wrapper vs a Map keyed by JSON.stringify+sha256.
    const X = randomFloats(1_000);
    const params = { alpha: 0.1, folds: 5 };
    const fit = (x: Float64Array, p: { alpha: number }) => x.length * p.alpha;
    const memoFit = memoize(fit, { cache: memory, name: 'fit' });
    memoFit(X, params);
    const naive = new Map<string, number>();
    const naiveFit = (x: Float64Array, p: { alpha: number }) => {
      const key = createHash('sha256')
        .update(JSON.stringify([Array.from(x), p]))
        .digest('hex');
      const hit = naive.get(key);
      if (hit !== undefined) return hit;
      const result = fit(x, p);
      naive.set(key, result);
      return result;
    };

    // L2: memory budget too small to hold the value, so every get reads the disk tier.
    const disk = createCache({ maxBytes: 1_000, disk: { dir, maxBytes: 64 * 1024 * 1024 } });
    caches.push(disk);
    await disk.set('model', value);
    const jsonFile = join(dir, 'model.json');
    writeFileSync(jsonFile, JSON.stringify({ ...value, weights: Array.from(value.weights) }));

    return [
      {
        name: 'L1 hit latency (80 kB value)',
        baseline: { name: 'bare lru-cache get', fn: () => bare.get('model') },
        candidate: { name: 'cache.get (memory hit)', fn: () => memory.get('model') },
      },
      {
        name: 'memoize hit (8 kB Float64Array + params)',
        baseline: { name: 'Map keyed by sha256(JSON.stringify(args))', fn: () => naiveFit(X, params) },
        candidate: { name: 'memoize (hashKey, memory hit)', fn: () => memoFit(X, params) },
      },
      {
        name: 'L2 hit latency (80 kB value)',
        baseline: {
          name: 'readFile + JSON.parse',
          fn: async () => JSON.parse(await readFile(jsonFile, 'utf8')),
        },
        candidate: { name: 'cache.get (disk hit, checksum verified)', fn: () => disk.get('model') },
      },
    ];
  },
  teardown: async () => {
    for (const cache of caches.splice(0)) await cache.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
});
