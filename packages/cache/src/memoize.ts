import { InvalidInputError } from '@toolbox/contracts';
import { hashValue } from './_hash-value.js';
import { assertPositive } from './_validate.js';
import type { Cache } from './cache.js';

// biome-ignore lint/suspicious/noExplicitAny: the wrapper must accept any function signature
type AnyFunction = (...args: any[]) => any;

export interface MemoizeOptions<F extends AnyFunction> {
  /** Where results are kept (see `createCache`). */
  cache: Cache;
  /**
   * Namespace of this function's keys (`name:key`), so that functions sharing a cache
   * never see each other's results, and `invalidate(k => k.startsWith('name:'))` works.
   */
  name: string;
  /** Key of a call; default `hashKey(args)`. Must return a string. */
  key?: (...args: Parameters<F>) => string;
  /** Time to live of this function's results, milliseconds; default: the cache's. */
  ttlMs?: number;
  /**
   * Whether `fn` returns a promise. Default: true for `async function`s, otherwise
   * learned from the first call. Pass `true` for a plain function returning a promise,
   * so that a hit before its first call is also returned as a promise.
   */
  async?: boolean;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Wraps `fn` so that calls with equal arguments (by `hashKey`, or `options.key`) are
 * answered from `options.cache`. Works for synchronous and asynchronous functions
 * and keeps `fn`'s type. Concurrent calls with the same key share one in-flight
 * promise, so `fn` runs once. Errors and rejections are never cached: the next call
 * runs `fn` again. A synchronous function reads and writes the disk tier synchronously.
 * Arguments `hashKey` rejects, and results the cache cannot store (class instances),
 * fail the call with `InvalidInputError` (as a rejection for an async `fn`).
 */
export function memoize<F extends AnyFunction>(fn: F, options: MemoizeOptions<F>): F {
  if (typeof fn !== 'function') {
    throw new InvalidInputError(`fn must be a function, got ${typeof fn}`, { details: { argument: 'fn' } });
  }
  const { cache, name, key, ttlMs } = options ?? ({} as MemoizeOptions<F>);
  if (typeof cache?.getEntry !== 'function') {
    throw new InvalidInputError('options.cache must be a cache from createCache()', {
      details: { argument: 'options.cache' },
    });
  }
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidInputError(`options.name must be a non-empty string, got ${String(name)}`, {
      details: { argument: 'options.name' },
    });
  }
  if (key !== undefined && typeof key !== 'function') {
    throw new InvalidInputError(`options.key must be a function, got ${typeof key}`, {
      details: { argument: 'options.key' },
    });
  }
  if (ttlMs !== undefined) assertPositive(ttlMs, 'options.ttlMs', false);
  const setOptions = ttlMs === undefined ? undefined : { ttlMs };
  let isAsync = options.async ?? Object.prototype.toString.call(fn) === '[object AsyncFunction]';
  const inFlight = new Map<string, Promise<unknown>>();

  const keyOf = (args: Parameters<F>): string => {
    if (!key) return `${name}:${hashValue(args, 'args')}`;
    const custom = key(...args);
    if (typeof custom !== 'string') {
      throw new InvalidInputError(`options.key must return a string, got ${typeof custom}`, {
        details: { argument: 'options.key' },
      });
    }
    return `${name}:${custom}`;
  };

  const share = (cacheKey: string, promise: Promise<unknown>): Promise<unknown> => {
    inFlight.set(cacheKey, promise);
    const done = () => {
      inFlight.delete(cacheKey);
    };
    promise.then(done, done);
    return promise;
  };

  // Caches a promised result once it settles well; a rejection passes through uncached.
  const settle = async (cacheKey: string, result: PromiseLike<unknown>): Promise<unknown> => {
    const value = await result;
    await cache.set(cacheKey, value, setOptions);
    return value;
  };

  return function memoized(this: unknown, ...args: Parameters<F>): unknown {
    if (isAsync) {
      let cacheKey: string;
      try {
        cacheKey = keyOf(args);
      } catch (error) {
        return Promise.reject(error);
      }
      const pending = inFlight.get(cacheKey);
      if (pending) return pending;
      return share(
        cacheKey,
        (async () => {
          const hit = await cache.getEntry(cacheKey);
          if (hit) return hit.value;
          return settle(cacheKey, Promise.resolve(fn.apply(this, args)));
        })(),
      );
    }
    const cacheKey = keyOf(args);
    const hit = cache.getEntrySync(cacheKey);
    if (hit) return hit.value;
    const result = fn.apply(this, args);
    if (isThenable(result)) {
      isAsync = true; // learned: from now on lookups are asynchronous too
      return share(cacheKey, settle(cacheKey, result));
    }
    cache.setSync(cacheKey, result, setOptions);
    return result;
  } as F;
}
