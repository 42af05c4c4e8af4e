import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@toolbox/contracts';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { type Cache, createCache } from './cache.js';
import { memoize } from './memoize.js';

let cache: Cache;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolbox-memoize-'));
  cache = createCache({ maxBytes: 10_000_000, disk: { dir, maxBytes: 10_000_000 } });
});

afterEach(async () => {
  await cache.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A promise the test resolves by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('memoize', () => {
  it('100 concurrent calls with the same arguments run fn once and share its result', async () => {
    const gate = deferred<void>();
    let runs = 0;
    const train = memoize(
      async (X: Float64Array, params: { alpha: number }) => {
        runs++;
        await gate.promise;
        return { weights: X.map((x) => x * params.alpha) };
      },
      { cache, name: 'train' },
    );
    const X = new Float64Array([1, 2, 3]);
    const calls = Array.from({ length: 100 }, () => train(X, { alpha: 2 }));
    gate.resolve();
    const results = await Promise.all(calls);
    expect(runs).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toEqual({ weights: new Float64Array([2, 4, 6]) });
    expect(await train(new Float64Array([1, 2, 3]), { alpha: 2 })).toEqual(results[0]);
    expect(runs).toBe(1);
    await train(X, { alpha: 3 });
    expect(runs).toBe(2);
  });

  it('does not cache a rejection: the next call runs fn again', async () => {
    let runs = 0;
    const flaky = memoize(
      async (x: number) => {
        runs++;
        if (runs === 1) throw new Error('transient');
        return x * 10;
      },
      { cache, name: 'flaky' },
    );
    const first = await Promise.allSettled([flaky(1), flaky(1), flaky(1)]);
    expect(first.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(runs).toBe(1);
    expect(await flaky(1)).toBe(10);
    expect(await flaky(1)).toBe(10);
    expect(runs).toBe(2);
  });

  it('memoizes synchronous functions synchronously and never caches a thrown error', () => {
    let runs = 0;
    const square = memoize(
      (x: number) => {
        runs++;
        if (x < 0) throw new RangeError('negative');
        return x * x;
      },
      { cache, name: 'square' },
    );
    expect(square(4)).toBe(16);
    expect(square(4)).toBe(16);
    expect(runs).toBe(1);
    expect(() => square(-1)).toThrow(RangeError);
    expect(() => square(-1)).toThrow(RangeError);
    expect(runs).toBe(3);
  });

  it('serves a new process (a fresh cache on the same directory) from disk, sync and async', async () => {
    let runs = 0;
    const options = { name: 'f' };
    const sync = memoize((x: number) => ++runs + x, { cache, ...options });
    const first = sync(1);
    await cache.dispose();
    cache = createCache({ maxBytes: 10_000_000, disk: { dir, maxBytes: 10_000_000 } });
    const again = memoize((x: number) => ++runs + x, { cache, ...options });
    expect(again(1)).toBe(first);
    const asyncAgain = memoize(async (x: number) => ++runs + x, { cache, ...options });
    expect(await asyncAgain(1)).toBe(first);
    expect(runs).toBe(1);
  });

  it('keeps fn types, this, and handles plain functions returning promises', async () => {
    const typed = memoize((a: number, b: string) => `${b}${a}`, { cache, name: 't' });
    expectTypeOf(typed).toEqualTypeOf<(a: number, b: string) => string>();
    const obj = {
      factor: 3,
      times: memoize(
        function (this: { factor: number }, x: number) {
          return x * this.factor;
        },
        { cache, name: 'times' },
      ),
    };
    expect(obj.times(2)).toBe(6);
    let runs = 0;
    const promised = memoize((x: number) => Promise.resolve(x + ++runs), { cache, name: 'p' });
    expectTypeOf(promised).returns.toEqualTypeOf<Promise<number>>();
    const [a, b] = await Promise.all([promised(1), promised(1)]);
    expect([a, b, runs]).toEqual([2, 2, 1]);
    expect(await promised(1)).toBe(2);
  });

  it('returns a promise on a hit for async: true even before the first call', async () => {
    cache.setSync('plain:k', 5);
    const plain = memoize((_x: number) => Promise.resolve(0), {
      cache,
      name: 'plain',
      key: () => 'k',
      async: true,
    });
    await expect(plain(1)).resolves.toBe(5);
  });

  it('caches undefined results', () => {
    let runs = 0;
    const noop = memoize(
      (_x: number): undefined => {
        runs++;
      },
      { cache, name: 'noop' },
    );
    noop(1);
    noop(1);
    expect(runs).toBe(1);
  });

  it('uses options.key and namespaces keys by name, so invalidate can target one function', async () => {
    let runs = 0;
    const byId = memoize(async (user: { id: number; session: object }) => ++runs + user.id * 0, {
      cache,
      name: 'user',
      key: (user) => String(user.id),
    });
    await byId({ id: 1, session: {} });
    await byId({ id: 1, session: { other: true } });
    expect(runs).toBe(1);
    expect(await cache.invalidate((key) => key.startsWith('user:'))).toBe(1);
    await byId({ id: 1, session: {} });
    expect(runs).toBe(2);
  });

  it('expires results after options.ttlMs', async () => {
    let runs = 0;
    const f = memoize(() => ++runs, { cache, name: 'ttl', ttlMs: 20 });
    f();
    await new Promise((resolve) => setTimeout(resolve, 100));
    f();
    expect(runs).toBe(2);
  });

  it('names the offending argument path, as a rejection for async functions', async () => {
    const sync = memoize((_options: unknown) => 1, { cache, name: 's' });
    expect(() => sync({ model: { fn: () => 1 } })).toThrow('args[0].model.fn is a function');
    const fit = memoize(async (_X: unknown, _options: unknown) => 1, { cache, name: 'fit' });
    await expect(fit(1, { model: { fn: () => 1 } })).rejects.toThrow('args[1].model.fn is a function');
    const bad = memoize(async () => new (class Model {})(), { cache, name: 'bad' });
    await expect(bad()).rejects.toThrow(InvalidInputError);
  });

  it('validates its options', () => {
    expect(() => memoize(1 as never, { cache, name: 'x' })).toThrow('fn must be a function, got number');
    expect(() => memoize(() => 1, { cache, name: '' })).toThrow('options.name must be a non-empty string');
    expect(() => memoize(() => 1, { cache: {} as Cache, name: 'x' })).toThrow(
      'options.cache must be a cache from createCache()',
    );
    expect(() => memoize(() => 1, { cache, name: 'x', ttlMs: 0 })).toThrow(
      'options.ttlMs must be a positive finite number, got 0',
    );
    const badKey = memoize((x: number) => x, { cache, name: 'k', key: () => 5 as unknown as string });
    expect(() => badKey(1)).toThrow('options.key must return a string, got number');
  });
});
