import { InvalidInputError, type KeyValueStore, type MetricsSink } from '@toolbox/contracts';
import type { Executor } from '@toolbox/executor';

/**
 * Where `map`, `stream` and `run` execute. `'local'`: this machine's worker threads.
 * `'bullmq'`: chunks go through a BullMQ queue on Redis to `toolbox-worker` processes on
 * any machine (install `bullmq`; see @toolbox/executor's "Scaling out"). `connection` is a
 * `redis://host:port` URL or ioredis options; `queueName` defaults to `'toolbox'`.
 */
export type ToolboxBackend =
  | { type: 'local' }
  | { type: 'bullmq'; connection: string | Record<string, unknown>; queueName?: string };

/** A Redis tier shared by machines under the cache's memory and disk tiers (install `ioredis`). */
export interface ToolboxRedisCacheOptions {
  /** `redis://host:port[/db]`. Required. */
  url: string;
  /** Cap on the bytes kept in Redis; default 1 GiB. */
  maxBytes?: number;
  /** Default time to live in Redis, milliseconds; default the cache's `ttlMs` (none). */
  ttlMs?: number;
  /** Prefix of the keys, so that several toolboxes can share one Redis; default `'toolbox:cache:'`. */
  keyPrefix?: string;
}

type Calls = Pick<Executor, 'map' | 'stream' | 'run'> & { dispose(): Promise<void> };

/**
 * `map`/`stream`/`run` on the chosen backend. The BullMQ executor is imported on first use
 * so that a toolbox without it never loads bullmq.
 */
export function backendCalls(
  backend: ToolboxBackend | undefined,
  local: Executor,
  metrics: MetricsSink,
): Calls {
  if (backend === undefined || backend.type === 'local') {
    return {
      map: (task, items, options) => local.map(task, items, options),
      stream: (task, source, options) => local.stream(task, source, options),
      run: (task, input, options) => local.run(task, input, options),
      dispose: async () => {},
    };
  }
  if (backend.type !== 'bullmq') {
    throw new InvalidInputError(
      `options.backend.type must be 'local' or 'bullmq', got ${String((backend as { type?: unknown }).type)}`,
      { details: { argument: 'options.backend.type' } },
    );
  }
  if (
    typeof backend.connection !== 'string' &&
    (backend.connection === null || typeof backend.connection !== 'object')
  ) {
    throw new InvalidInputError('options.backend.connection must be a redis:// URL or ioredis options', {
      details: { argument: 'options.backend.connection' },
    });
  }
  type Remote = Awaited<ReturnType<typeof import('@toolbox/executor/bullmq')['createBullmqExecutor']>>;
  let remote: Promise<Remote> | undefined;
  const load = (): Promise<Remote> => {
    remote ??= import('@toolbox/executor/bullmq').then(
      ({ createBullmqExecutor }) =>
        createBullmqExecutor({
          connection: backend.connection as never,
          metrics,
          ...(backend.queueName === undefined ? {} : { queueName: backend.queueName }),
        }),
      (error: unknown) => {
        throw new InvalidInputError(
          `options.backend.type 'bullmq' needs the bullmq package (npm install bullmq): ${(error as Error).message}`,
          { cause: error, details: { argument: 'options.backend' } },
        );
      },
    );
    return remote;
  };
  return {
    map: async (task, items, options) => (await load()).map(task, items, options),
    run: async (task, input, options) => (await load()).run(task, input, options),
    stream: (task, source, options) => ({
      async *[Symbol.asyncIterator]() {
        yield* (await load()).stream(task, source, options);
      },
    }),
    dispose: async () => {
      await (await remote?.catch(() => undefined))?.dispose();
    },
  };
}

/**
 * The cache's remote tier: `@toolbox/cache/redis` loaded on first use. Like the Redis
 * store itself it never throws: without ioredis every lookup is a miss, with one warning.
 */
export function lazyRedisStore(
  options: ToolboxRedisCacheOptions,
  cacheTtlMs: number | undefined,
): KeyValueStore {
  if (options === null || typeof options !== 'object' || typeof options.url !== 'string') {
    throw new InvalidInputError('options.cache.redis.url must be a redis:// URL', {
      details: { argument: 'options.cache.redis.url' },
    });
  }
  if (options.maxBytes !== undefined && !(Number.isSafeInteger(options.maxBytes) && options.maxBytes > 0)) {
    throw new InvalidInputError(
      `options.cache.redis.maxBytes must be a positive integer, got ${options.maxBytes}`,
      {
        details: { argument: 'options.cache.redis.maxBytes' },
      },
    );
  }
  let store: Promise<KeyValueStore | undefined> | undefined;
  const load = () => {
    const ttlMs = options.ttlMs ?? cacheTtlMs;
    store ??= import('@toolbox/cache/redis')
      .then(({ createRedisStore }) =>
        createRedisStore({
          redis: options.url,
          maxBytes: options.maxBytes ?? 1024 ** 3,
          ...(ttlMs === undefined ? {} : { ttlMs }),
          ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
        }),
      )
      .catch((error: unknown) => {
        process.emitWarning(
          `the Redis cache tier is off (options.cache.redis needs the ioredis package and a valid configuration): ${(error as Error).message}`,
          'ToolboxCacheWarning',
        );
        return undefined;
      });
    return store;
  };
  return {
    get: async (key) => (await load())?.get(key),
    set: async (key, value, setOptions) => (await load())?.set(key, value, setOptions),
    delete: async (key) => (await load())?.delete(key) ?? false,
    has: async (key) => (await load())?.has(key) ?? false,
    clear: async () => (await load())?.clear(),
    dispose: async () => (await store)?.dispose(),
  };
}
