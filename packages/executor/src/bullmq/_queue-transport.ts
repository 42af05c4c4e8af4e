import { randomUUID } from 'node:crypto';
import { InvalidInputError, TimeoutError } from '@toolbox/contracts';
import { Job as BullJob, type ConnectionOptions, Queue, QueueEvents } from 'bullmq';
import {
  CHUNKS_PER_WORKER,
  type ChunkOutcome,
  type ChunkTransport,
  type JobCounters,
  measuredInputs,
  type PlanRequest,
  type TransportHost,
} from '../_chunk-transport.js';
import { choosePlan, type Decided } from '../_cost-model.js';
import { formatMs } from '../_format.js';
import { itemTimedOut } from '../_in-process.js';
import type { Job } from '../_job.js';
import { deserializeError } from '../_protocol.js';
import { median } from '../_statistics.js';
import type { ResolvedTask } from '../_task.js';
import { durationMs, positiveInteger } from '../_validate.js';
import { connectionOptions, describeConnection } from './_connection.js';
import {
  DEFAULT_QUEUE_NAME,
  decodePayload,
  encodePayload,
  type RemoteChunkData,
  type RemoteChunkResponse,
  slotsOf,
} from './_remote-protocol.js';
import type { BullmqExecutorOptions, BullmqExecutorStats } from './bullmq-executor.js';

/** Estimates until the queue has been measured (a loopback Redis: ~1 ms per round trip). */
const DEFAULT_ROUND_TRIP_MS = 2;
const DEFAULT_CHUNK_OVERHEAD_MS = 0.5;
/** Wait between attempts to put a chunk on the queue while Redis is unreachable. */
const ADD_RETRY_MS = 250;
/** How long `dispose()` waits for BullMQ to close its connections gracefully. */
const DISPOSE_WAIT_MS = 1000;

/** What came back for one chunk: the worker's answer, or BullMQ's failure (e.g. its worker died too often). */
type Outcome = RemoteChunkResponse | { lost: string };

interface PendingChunk {
  data: RemoteChunkData;
  /** True once `queue.add` returned: only then may a missing job mean Redis lost it. */
  added: boolean;
  checkedAtMs: number;
  settle: (outcome: Outcome) => void;
}

interface Calibration {
  roundTripMs: number;
  chunkOverheadMs: number;
}

/** Chunks through a BullMQ queue on Redis to `startWorker` processes, polled for lost chunks and for Redis itself. */
export class QueueTransport implements ChunkTransport<BullmqExecutorStats> {
  readonly factoryName = 'createBullmqExecutor';
  readonly labels = { backend: 'bullmq' };
  /** Chunks are limited per job only: the queue holds what the workers cannot take yet. */
  readonly capacity = Number.POSITIVE_INFINITY;
  readonly #host: TransportHost;
  readonly #connection: ConnectionOptions;
  readonly #queue: Queue<RemoteChunkData, string>;
  #events: QueueEvents | undefined;
  readonly #ready: Promise<unknown>;
  readonly #workers: number | undefined;
  readonly #pollIntervalMs: number;
  readonly #connectionTimeoutMs: number;
  readonly #keepFinishedSeconds: number;
  readonly #pending = new Map<string, PendingChunk>();
  readonly #prefix = randomUUID();
  readonly #poller: NodeJS.Timeout;
  #seq = 0;
  #polling = false;
  #unreachableSinceMs: number | undefined;
  #calibration: Calibration | undefined;
  #disposed = false;
  #chunks = 0;
  #resubmitted = 0;
  #workerSlots: number | undefined;

  constructor(options: BullmqExecutorOptions, host: TransportHost) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidInputError(`options must be an object with connection, got ${String(options)}`, {
        details: { argument: 'options' },
      });
    }
    this.#host = host;
    this.#connection = connectionOptions(options.connection, 'options.connection');
    this.#workers =
      options.workers === undefined ? undefined : positiveInteger(options.workers, 'options.workers', 1);
    this.#pollIntervalMs = durationMs(options.pollIntervalMs, 'options.pollIntervalMs') ?? 1000;
    this.#connectionTimeoutMs =
      durationMs(options.connectionTimeoutMs, 'options.connectionTimeoutMs') ?? 30_000;
    this.#keepFinishedSeconds = Math.ceil(
      (durationMs(options.keepFinishedMs, 'options.keepFinishedMs') ?? 60_000) / 1000,
    );
    const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
    if (typeof queueName !== 'string' || queueName === '' || queueName.includes(':')) {
      throw new InvalidInputError(
        `options.queueName must be a non-empty string without ':', got ${String(queueName)}`,
        {
          details: { argument: 'options.queueName' },
        },
      );
    }
    this.#queue = new Queue<RemoteChunkData, string>(queueName, { connection: this.#connection });
    // ioredis reconnects on its own; without a listener this would be an unhandled 'error' event.
    this.#queue.on('error', () => {});
    this.#ready = this.#listen(queueName);
    this.#ready.catch(() => {});
    this.#poller = setInterval(() => void this.#poll(), this.#pollIntervalMs);
    this.#poller.unref();
  }

  /**
   * Subscribes to the queue's completion events from the current end of its event stream
   * (not from "now" as BullMQ does by default, which misses chunks finished before the
   * first read) and resolves once connected.
   */
  async #listen(queueName: string): Promise<void> {
    await this.#queue.waitUntilReady();
    const client = (await this.#queue.client) as unknown as {
      xrevrange(
        key: string,
        end: string,
        start: string,
        count: 'COUNT',
        n: number,
      ): Promise<[string, string[]][]>;
    };
    const [last] = await client.xrevrange(this.#queue.keys.events as string, '+', '-', 'COUNT', 1);
    if (this.#disposed) return;
    const events = new QueueEvents(queueName, {
      connection: this.#connection,
      lastEventId: last?.[0] ?? '0-0',
    });
    this.#events = events;
    events.on('error', () => {});
    events.on('completed', ({ jobId, returnvalue }) => {
      this.#settle(jobId, () => decodePayload<RemoteChunkResponse>(returnvalue as unknown as string));
    });
    events.on('failed', ({ jobId, failedReason }) => {
      this.#settle(jobId, () => ({ lost: failedReason }));
    });
    await events.waitUntilReady();
  }

  // ---------------------------------------------------------------- planning

  async defaultWorkers(job: Job): Promise<number> {
    return this.#workers ?? Math.max(1, await this.#connectedSlots(job));
  }

  chunksInFlight(workers: number): number {
    return CHUNKS_PER_WORKER * workers;
  }

  /** Worker slots connected to the queue: the sum of the workers' concurrency (client names carry it). */
  async #connectedSlots(job: Job): Promise<number> {
    await job.race(this.#ready);
    const clients = await job.race(this.#queue.getWorkers());
    let slots = 0;
    for (const client of clients) slots += slotsOf((client as { rawname?: string }).rawname);
    this.#workerSlots = slots;
    return slots;
  }

  /** Measures, once, an empty chunk's round trip through the queue and the cost of one more pipelined chunk. */
  async #calibrate(job: Job, slots: number): Promise<Calibration> {
    const ping = (): Promise<Outcome> => this.#put(job, undefined, []);
    await ping();
    const tripsMs: number[] = [];
    for (let k = 0; k < 5; k++) {
      const startedMs = performance.now();
      await ping();
      tripsMs.push(performance.now() - startedMs);
    }
    const pings = Math.min(64, 8 * slots);
    const burstStartMs = performance.now();
    await Promise.all(Array.from({ length: pings }, ping));
    const chunkOverheadMs = ((performance.now() - burstStartMs) * Math.min(slots, pings)) / pings;
    this.#calibration = { roundTripMs: median(tripsMs), chunkOverheadMs };
    return this.#calibration;
  }

  async decide(request: PlanRequest): Promise<Decided> {
    const { job, resolved, sample, itemCount } = request;
    const remote = resolved.href !== undefined && sample.count < itemCount;
    const connected = remote ? await this.#connectedSlots(job) : 0;
    const slots = this.#workers ?? connected;
    const warnings: string[] = [];
    if (remote && connected === 0) {
      warnings.push(
        `no worker is connected to queue "${this.#queue.name}" on ${describeConnection(this.#connection)}; chunks wait until one starts (toolbox-worker)`,
      );
    }
    const calibration =
      this.#calibration ?? (connected > 0 ? await this.#calibrate(job, connected) : undefined);
    const roundTripMs = calibration?.roundTripMs ?? DEFAULT_ROUND_TRIP_MS;
    const workers = Math.max(1, slots);
    const decided = choosePlan({
      ...measuredInputs(request),
      // Items cross the queue as V8 bytes in base64 inside JSON, both ways: about twice a thread's copy.
      cloneInMs: 2 * sample.cloneInMs,
      cloneOutMs: 2 * sample.cloneOutMs,
      cores: workers,
      maxWorkers: workers,
      warmWorkers: workers,
      poolStartMs: 0,
      moduleLoadMs: 0,
      chunkOverheadMs: calibration?.chunkOverheadMs ?? DEFAULT_CHUNK_OVERHEAD_MS,
      roundTripMs,
    });
    if (sample.cloneError !== undefined && resolved.href !== undefined) {
      warnings.push(`items or results cannot be serialized for the queue (${sample.cloneError})`);
    }
    const reason =
      decided.mode === 'threads'
        ? `queue ${decided.reason.replace(/^threads: (\d+) workers/, '$1 worker slots')}; queue round trip ${formatMs(roundTripMs)} per chunk`
        : decided.reason;
    return { ...decided, warnings: [...decided.warnings, ...warnings], reason };
  }

  // ---------------------------------------------------------------- chunks

  async send(job: Job, resolved: ResolvedTask, items: unknown[], offset: number): Promise<ChunkOutcome> {
    const outcome = await this.#put(job, resolved, items);
    if ('lost' in outcome) {
      const error = new Error(
        `the chunk of items ${offset}..${offset + items.length - 1} failed on the queue: ${outcome.lost}`,
      );
      (error as Error & { retryable: boolean }).retryable = true;
      return { results: [], failedAt: offset, error };
    }
    if (!('failedAt' in outcome)) return outcome;
    const failedAt = offset + outcome.failedAt;
    const error = outcome.timedOut
      ? itemTimedOut(failedAt, job.settings.itemTimeoutMs as number)
      : deserializeError(outcome.error);
    return { results: outcome.results, computeMs: outcome.computeMs, failedAt, error };
  }

  /** Puts one chunk on the queue (an empty one is a ping) and waits for its outcome. */
  async #put(job: Job, resolved: ResolvedTask | undefined, chunkItems: unknown[]): Promise<Outcome> {
    job.throwIfStopped();
    const id = `${this.#prefix}-${++this.#seq}`;
    const data: RemoteChunkData = {
      module: resolved?.href ?? '',
      export: resolved?.exportName ?? '',
      items: encodePayload(chunkItems),
    };
    if (job.settings.itemTimeoutMs !== undefined) data.itemTimeoutMs = job.settings.itemTimeoutMs;
    this.#chunks++;
    let settle!: (outcome: Outcome) => void;
    const outcome = new Promise<Outcome>((resolve) => {
      settle = resolve;
    });
    const entry: PendingChunk = { data, added: false, checkedAtMs: performance.now(), settle };
    this.#pending.set(id, entry);
    try {
      await job.race(this.#ready);
      await this.#add(job, id, data);
      entry.added = true;
      entry.checkedAtMs = performance.now();
      return await job.race(outcome);
    } finally {
      // Still pending: the job stopped; take the chunk off the queue if no worker holds it.
      if (this.#pending.delete(id)) void this.#queue.remove(id).catch(() => {});
    }
  }

  /** `queue.add`, tried again while Redis is unreachable (the poller fails the job if that lasts too long). */
  async #add(job: Job, id: string, data: RemoteChunkData): Promise<void> {
    const firstMs = performance.now();
    for (;;) {
      try {
        await job.race(this.#addOnce(id, data));
        return;
      } catch (error) {
        if (job.isStopped) throw job.error;
        if (performance.now() - firstMs > this.#connectionTimeoutMs) throw this.#unreachable(error);
        await job.sleep(ADD_RETRY_MS);
      }
    }
  }

  #addOnce(id: string, data: RemoteChunkData): Promise<unknown> {
    return this.#queue.add('chunk', data, {
      jobId: id,
      attempts: 1,
      removeOnComplete: { age: this.#keepFinishedSeconds },
      removeOnFail: { age: this.#keepFinishedSeconds },
    });
  }

  #settle(id: string, outcome: () => Outcome): void {
    const entry = this.#pending.get(id);
    if (entry === undefined) return; // another executor's chunk, or one already settled (a duplicate completion)
    this.#pending.delete(id);
    try {
      entry.settle(outcome());
    } catch (error) {
      entry.settle({ lost: `its answer could not be decoded: ${(error as Error).message}` });
    }
  }

  #unreachable(cause: unknown): TimeoutError {
    return new TimeoutError(
      `${describeConnection(this.#connection)} was unreachable for more than options.connectionTimeoutMs = ${this.#connectionTimeoutMs} ms`,
      { cause, details: { connectionTimeoutMs: this.#connectionTimeoutMs } },
    );
  }

  /**
   * Checks the chunks still out: collects answers whose event was missed, sends again the
   * chunks Redis no longer knows, and fails the jobs once Redis has been unreachable for
   * `connectionTimeoutMs`.
   */
  async #poll(): Promise<void> {
    if (this.#polling || this.#pending.size === 0 || this.#disposed) return;
    this.#polling = true;
    try {
      const nowMs = performance.now();
      // Every call is bounded: while Redis is away BullMQ's client waits for it, and a
      // poll that never returns would stop all later ones.
      const limitMs = this.#pollIntervalMs;
      const ping = async () => {
        const client = (await this.#queue.client) as unknown as { ping(): Promise<string> };
        await client.ping();
      };
      const alive = await bounded(ping(), limitMs).then(
        () => true,
        () => false,
      );
      if (!alive) {
        this.#unreachableSinceMs ??= nowMs;
        if (nowMs - this.#unreachableSinceMs > this.#connectionTimeoutMs) {
          this.#host.stopJobs(this.#unreachable(undefined));
        }
        return;
      }
      this.#unreachableSinceMs = undefined;
      for (const [id, entry] of [...this.#pending]) {
        if (!entry.added || nowMs - entry.checkedAtMs < limitMs) continue;
        entry.checkedAtMs = nowMs;
        const state = await bounded(this.#queue.getJobState(id), limitMs);
        if (state === 'completed' || state === 'failed') {
          const found = await bounded(BullJob.fromId<RemoteChunkData, string>(this.#queue, id), limitMs);
          if (found === undefined) continue;
          this.#settle(id, () =>
            state === 'completed'
              ? decodePayload<RemoteChunkResponse>(found.returnvalue)
              : { lost: found.failedReason },
          );
        } else if (state === 'unknown' && this.#pending.has(id)) {
          this.#resubmitted++;
          await bounded(this.#addOnce(id, entry.data), limitMs);
        }
      }
    } catch {
      // Redis went away during the check: the next one sees it.
    } finally {
      this.#polling = false;
    }
  }

  stats(counters: Readonly<JobCounters>): BullmqExecutorStats {
    const calibration = this.#calibration;
    return {
      jobs: counters.jobs,
      failedJobs: counters.failedJobs,
      chunks: this.#chunks,
      retries: counters.retries,
      resubmitted: this.#resubmitted,
      workerSlots: this.#workerSlots,
      chunkRoundTripMs: calibration?.roundTripMs,
      chunkOverheadMs: calibration?.chunkOverheadMs,
    };
  }

  dispose(): Promise<void> {
    this.#disposed = true;
    clearInterval(this.#poller);
    return (async () => {
      // BullMQ's close() waits for Redis; with Redis gone it would never return.
      const connections = [this.#events, this.#queue].filter((each) => each !== undefined);
      const closed = await Promise.allSettled(
        connections.map((each) => bounded(each.close(), DISPOSE_WAIT_MS)),
      );
      if (closed.some((outcome) => outcome.status === 'rejected')) {
        await Promise.allSettled(connections.map((each) => bounded(each.disconnect(), DISPOSE_WAIT_MS)));
      }
    })();
  }
}

/** `promise`, or a rejection once `ms` have passed. */
function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  promise.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
