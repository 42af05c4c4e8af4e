import { availableParallelism } from 'node:os';
import { ToolboxError } from '@toolbox/contracts';
import { type Job as BullJob, Worker } from 'bullmq';
import { Piscina } from 'piscina';
import { watchItems } from '../_item-watchdog.js';
import { type ChunkRequest, type ChunkResponse, serializeError } from '../_protocol.js';
import { durationMs, nonNegativeInteger, positiveInteger } from '../_validate.js';
import { workerFile } from '../_worker-file.js';
import { connectionOptions, describeConnection, type RedisConnection } from './_connection.js';
import {
  DEFAULT_QUEUE_NAME,
  decodePayload,
  encodePayload,
  type RemoteChunkData,
  type RemoteChunkResponse,
  workerName,
} from './_remote-protocol.js';

export interface StartWorkerOptions {
  /** Redis: a `redis://host:port` URL or ioredis options. Required. */
  connection: RedisConnection;
  /** Chunks run at once, each on its own worker thread; default `os.availableParallelism()`. */
  concurrency?: number;
  /** BullMQ queue name; default `'toolbox'` (the executor's default). */
  queueName?: string;
  /**
   * How long a running chunk's lock lasts without renewal, milliseconds; default 30 000.
   * A worker that dies loses its chunks to other workers once the lock expires.
   */
  lockDurationMs?: number;
  /** How often this worker looks for chunks whose worker died, milliseconds; default 30 000. */
  stalledIntervalMs?: number;
  /** Times a chunk may lose its worker before it fails (the executor may still retry it); default 2. */
  maxStalledCount?: number;
  /** Heap limit of each worker thread, megabytes; default V8's. */
  workerMemoryLimitMb?: number;
}

export interface WorkerStats {
  /** Chunks answered (pings excluded). */
  chunks: number;
  /** Items finished. */
  items: number;
  /** Chunks whose worker thread crashed or whose item ran out of time. */
  threadFailures: number;
}

/** A process's share of the queue: a BullMQ worker feeding a pool of worker threads. */
export interface ToolboxWorker extends AsyncDisposable {
  readonly concurrency: number;
  readonly queueName: string;
  stats(): WorkerStats;
  /** Stops taking chunks, waits for the running ones, then stops the threads. */
  close(): Promise<void>;
  /** Same as `close()`. */
  dispose(): Promise<void>;
}

/**
 * Starts taking chunks from the queue; resolves once connected. Chunks run on worker
 * threads (the local executor's worker entry), so the event loop stays free to renew
 * BullMQ's locks however long an item computes.
 */
export async function startWorker(options: StartWorkerOptions): Promise<ToolboxWorker> {
  if (options === null || typeof options !== 'object') {
    throw new ToolboxError(`options must be an object with connection, got ${String(options)}`);
  }
  const connection = connectionOptions(options.connection, 'options.connection');
  const concurrency = positiveInteger(options.concurrency, 'options.concurrency', availableParallelism());
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const lockDuration = durationMs(options.lockDurationMs, 'options.lockDurationMs') ?? 30_000;
  const stalledInterval = durationMs(options.stalledIntervalMs, 'options.stalledIntervalMs') ?? 30_000;
  const maxStalledCount = nonNegativeInteger(options.maxStalledCount, 'options.maxStalledCount', 2);
  const memoryLimitMb =
    options.workerMemoryLimitMb === undefined
      ? undefined
      : positiveInteger(options.workerMemoryLimitMb, 'options.workerMemoryLimitMb', 0);
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: concurrency,
    maxThreads: concurrency,
    idleTimeout: Number.POSITIVE_INFINITY,
    ...(memoryLimitMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb } }),
  });
  const stats: WorkerStats = { chunks: 0, items: 0, threadFailures: 0 };
  // A thread dying outside a task is reported here; without a listener it would end the process.
  pool.on('error', () => {
    stats.threadFailures++;
  });

  const processChunk = async (job: BullJob<RemoteChunkData>): Promise<string> => {
    const data = job.data;
    const items = decodePayload<unknown[]>(data.items);
    if (items.length === 0) return encodePayload({ results: [] } satisfies ChunkResponse);
    const response = await runOnPool(pool, data, items, stats);
    stats.chunks++;
    stats.items += response.results.length;
    return encodePayload(response);
  };

  const worker = new Worker<RemoteChunkData, string>(queueName, processChunk, {
    connection,
    concurrency,
    name: workerName(concurrency),
    lockDuration,
    stalledInterval,
    maxStalledCount,
  });
  // Connection errors are retried by ioredis; reported here so they do not end the process.
  worker.on('error', () => {});
  try {
    await worker.waitUntilReady();
  } catch (error) {
    await worker.close(true).catch(() => {});
    await pool.destroy();
    throw new ToolboxError(`the worker could not connect to ${describeConnection(connection)}`, {
      cause: error,
    });
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await worker.close();
      } finally {
        await pool.destroy();
      }
    })();
    return closing;
  };
  return {
    concurrency,
    queueName,
    stats: () => ({ ...stats }),
    close,
    dispose: close,
    [Symbol.asyncDispose]: close,
  };
}

/** Runs one chunk on a thread of the pool, enforcing the per-item limit through the thread's progress cell. */
async function runOnPool(
  pool: Piscina,
  data: RemoteChunkData,
  items: unknown[],
  stats: WorkerStats,
): Promise<RemoteChunkResponse> {
  const progress = new Float64Array(new SharedArrayBuffer(16));
  const controller = new AbortController();
  const limitMs = data.itemTimeoutMs;
  let timedOutAt: number | undefined;
  const stopWatching = watchItems(progress, limitMs, (finished) => {
    timedOutAt = finished;
    controller.abort();
  });
  const request: ChunkRequest = { module: data.module, export: data.export, items, progress };
  try {
    return (await pool.run(request, { signal: controller.signal })) as ChunkResponse;
  } catch (error) {
    stats.threadFailures++;
    const at = progress[0] as number;
    if (timedOutAt !== undefined) {
      return {
        results: [],
        failedAt: timedOutAt,
        timedOut: true,
        error: serializeError(new Error(`item ran longer than ${limitMs} ms`)),
      };
    }
    const crash = new Error(`the worker thread running the item died: ${(error as Error).message}`);
    (crash as Error & { retryable: boolean }).retryable = true;
    return { results: [], failedAt: at, error: serializeError(crash) };
  } finally {
    stopWatching();
  }
}
