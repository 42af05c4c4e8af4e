import type { ExecutionPlan, MetricsSink } from '@toolbox/contracts';
import { type ExecutorApi, ExecutorCore } from '../_executor-core.js';
import type { PlanOptions, Task } from '../types.js';
import type { RedisConnection } from './_connection.js';
import { QueueTransport } from './_queue-transport.js';

export interface BullmqExecutorOptions {
  /** Redis: a `redis://host:port` URL or ioredis options. Required. */
  connection: RedisConnection;
  /** BullMQ queue name; default `'toolbox'` (what `toolbox-worker` listens on by default). */
  queueName?: string;
  /** Worker slots assumed when planning; default: counted from the workers connected to the queue. */
  workers?: number;
  /**
   * How often chunks still out are checked against Redis, milliseconds: a chunk whose
   * completion event was missed is collected, a chunk Redis lost (restart without
   * persistence) is sent again. Default 1000.
   */
  pollIntervalMs?: number;
  /** How long Redis may stay unreachable before running jobs fail with `TimeoutError`, milliseconds; default 30 000. */
  connectionTimeoutMs?: number;
  /** How long finished chunks stay in Redis before BullMQ removes them, milliseconds; default 60 000. */
  keepFinishedMs?: number;
  /** Receives one event per job (`executor.map`, `executor.stream`, `executor.run`) and per plan (`executor.plan`), labelled `backend: 'bullmq'`. */
  metrics?: MetricsSink;
}

/** Counters over the executor's lifetime. */
export interface BullmqExecutorStats {
  jobs: number;
  failedJobs: number;
  /** Chunks put on the queue (pings included). */
  chunks: number;
  retries: number;
  /** Chunks Redis lost (e.g. restarted without persistence) and that were sent again. */
  resubmitted: number;
  /** Worker slots on the queue when last counted. */
  workerSlots: number | undefined;
  /** Once measured, milliseconds: an empty chunk's round trip through the queue, and the cost of one more chunk when chunks are pipelined. */
  chunkRoundTripMs: number | undefined;
  chunkOverheadMs: number | undefined;
}

/** `map`/`stream`/`run` over a BullMQ queue served by `startWorker` processes, with the local executor's semantics. */
export interface BullmqExecutor extends ExecutorApi<BullmqExecutorStats> {
  /** Decides how `map(task, items)` should run; mode `'threads'` means chunks go to the queue's workers. */
  plan<I>(task: Task<I>, items: readonly I[], options?: PlanOptions): Promise<ExecutionPlan>;
  /** Stops every job in flight (they reject with `AbortError`) and closes the Redis connections. */
  dispose(): Promise<void>;
}

/**
 * Creates an executor whose `map`/`stream`/`run` send chunks through a BullMQ queue on
 * Redis to `startWorker` processes (`toolbox-worker`), on this machine or others. Task
 * modules must be importable at the same path or URL on every worker.
 */
export function createBullmqExecutor(options: BullmqExecutorOptions): BullmqExecutor {
  return new ExecutorCore<BullmqExecutorStats>((host) => new QueueTransport(options, host), {
    metrics: options?.metrics,
  });
}
