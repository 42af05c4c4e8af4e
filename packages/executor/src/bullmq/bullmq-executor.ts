import { randomUUID } from 'node:crypto';
import {
  AbortError,
  type ExecutionPlan,
  InvalidInputError,
  type MetricsSink,
  TimeoutError,
  type WorkloadProfile,
} from '@toolbox/contracts';
import { Job as BullJob, type ConnectionOptions, Queue, QueueEvents } from 'bullmq';
import { measureCopyMsPerByte } from '../_copy-rate.js';
import { type CostInputs, choosePlan } from '../_cost-model.js';
import { formatMs } from '../_format.js';
import { callItem, itemFailed, itemTimedOut, runAsync, runSerial, sampleItems } from '../_in-process.js';
import { Job, type JobSettings } from '../_job.js';
import { loadTask } from '../_load-task.js';
import {
  assertItems,
  completePlan,
  DEFAULT_ASYNC_CONCURRENCY,
  dryRunConfidence,
  jobSettings,
} from '../_options.js';
import { deserializeError } from '../_protocol.js';
import { median } from '../_statistics.js';
import { type ResolvedTask, resolveTask } from '../_task.js';
import { durationMs, optionalFunction, positiveInteger } from '../_validate.js';
import type { MapOptions, PlanOptions, RunOptions, StreamOptions, Task, TaskFunction } from '../types.js';
import { connectionOptions, describeConnection, type RedisConnection } from './_connection.js';
import {
  DEFAULT_QUEUE_NAME,
  decodePayload,
  encodePayload,
  type RemoteChunkData,
  type RemoteChunkResponse,
  slotsOf,
} from './_remote-protocol.js';

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
  /** Receives one event per job (`executor.map`, `executor.stream`, `executor.run`, label `backend: 'bullmq'`). */
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
export interface BullmqExecutor extends AsyncDisposable {
  /** Decides how `map(task, items)` should run; mode `'threads'` means chunks go to the queue's workers. */
  plan<I>(task: Task<I>, items: readonly I[], options?: PlanOptions): Promise<ExecutionPlan>;
  /** Runs `task` over `items`, results in item order. */
  map<I, O>(task: Task<I, O>, items: readonly I[], options?: MapOptions): Promise<O[]>;
  /** One call: on a worker for a module task, on the calling thread for a function. */
  run<I, O>(task: Task<I, O>, input: I, options?: RunOptions): Promise<O>;
  /** Ordered results of `task` over `source`, reading the source only as results are consumed. */
  stream<I, O>(
    task: Task<I, O>,
    source: AsyncIterable<I> | Iterable<I>,
    options?: StreamOptions,
  ): AsyncIterable<O>;
  stats(): BullmqExecutorStats;
  /** Stops every job in flight (they reject with `AbortError`) and closes the Redis connections. */
  dispose(): Promise<void>;
}

/** Estimates until the queue has been measured (a loopback Redis: ~1 ms per round trip). */
const DEFAULT_ROUND_TRIP_MS = 2;
const DEFAULT_CHUNK_OVERHEAD_MS = 0.5;
/** Chunks out per planned worker slot: the second hides the round trip of the first. */
const CHUNKS_PER_SLOT = 2;
const STREAM_PLAN_ITEMS = 10_000;
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

interface Planned {
  plan: ExecutionPlan;
  profile: WorkloadProfile | undefined;
  done: number;
  itemMeanMs: number;
}

interface StoredSample {
  items: readonly unknown[];
  key: string;
  results: unknown[];
  profile: WorkloadProfile;
  itemMeanMs: number;
}

class BullmqBackend implements BullmqExecutor {
  readonly #connection: ConnectionOptions;
  readonly #queue: Queue<RemoteChunkData, string>;
  #events: QueueEvents | undefined;
  readonly #ready: Promise<unknown>;
  readonly #workers: number | undefined;
  readonly #pollIntervalMs: number;
  readonly #connectionTimeoutMs: number;
  readonly #keepFinishedSeconds: number;
  readonly #metrics: MetricsSink | undefined;
  readonly #pending = new Map<string, PendingChunk>();
  readonly #jobs = new Set<Job>();
  readonly #hrefs = new Map<string, string>();
  readonly #loaded = new Map<string, Promise<{ fn: TaskFunction; loadMs: number }>>();
  readonly #samples = new WeakMap<ExecutionPlan, StoredSample>();
  readonly #prefix = randomUUID();
  readonly #poller: NodeJS.Timeout;
  #seq = 0;
  #polling = false;
  #unreachableSinceMs: number | undefined;
  #calibration: Calibration | undefined;
  #copyMsPerByte: number | undefined;
  #disposed: Promise<void> | undefined;
  readonly #stats: BullmqExecutorStats = {
    jobs: 0,
    failedJobs: 0,
    chunks: 0,
    retries: 0,
    resubmitted: 0,
    workerSlots: undefined,
    chunkRoundTripMs: undefined,
    chunkOverheadMs: undefined,
  };

  constructor(options: BullmqExecutorOptions) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidInputError(`options must be an object with connection, got ${String(options)}`, {
        details: { argument: 'options' },
      });
    }
    this.#connection = connectionOptions(options.connection, 'options.connection');
    this.#workers =
      options.workers === undefined ? undefined : positiveInteger(options.workers, 'options.workers', 1);
    this.#pollIntervalMs = durationMs(options.pollIntervalMs, 'options.pollIntervalMs') ?? 1000;
    this.#connectionTimeoutMs =
      durationMs(options.connectionTimeoutMs, 'options.connectionTimeoutMs') ?? 30_000;
    this.#keepFinishedSeconds = Math.ceil(
      (durationMs(options.keepFinishedMs, 'options.keepFinishedMs') ?? 60_000) / 1000,
    );
    this.#metrics = options.metrics;
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
    if (this.#disposed !== undefined) return;
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

  // ---------------------------------------------------------------- public API

  async plan<I>(task: Task<I>, items: readonly I[], options: PlanOptions = {}): Promise<ExecutionPlan> {
    this.#assertOpen();
    const resolved = resolveTask(task as Task, this.#hrefs);
    assertItems(items);
    const job = this.#startJob(jobSettings(options, 'options'));
    try {
      const out: unknown[] = [];
      const planned = await this.#planJob(job, resolved, items, out, options, items.length);
      if (planned.profile !== undefined) {
        this.#samples.set(planned.plan, {
          items,
          key: resolved.key,
          results: out.slice(0, planned.done),
          profile: planned.profile,
          itemMeanMs: planned.itemMeanMs,
        });
      }
      return planned.plan;
    } finally {
      this.#endJob(job, true);
    }
  }

  async map<I, O>(task: Task<I, O>, items: readonly I[], options: MapOptions = {}): Promise<O[]> {
    this.#assertOpen();
    const resolved = resolveTask(task as Task, this.#hrefs);
    assertItems(items);
    const settings = jobSettings(options, 'options');
    const onProgress = optionalFunction(options.onProgress, 'options.onProgress');
    const startedMs = performance.now();
    const job = this.#startJob(settings);
    const out = new Array<unknown>(items.length);
    let ok = false;
    let mode = 'serial';
    try {
      const planned = await this.#planJob(job, resolved, items, out, options, items.length);
      const { plan, done } = planned;
      mode = plan.mode;
      const progress = onProgress && ((count: number) => onProgress(count, items.length));
      if (done < items.length) {
        if (plan.mode === 'threads') {
          if (resolved.href === undefined) {
            throw new InvalidInputError('options.plan.mode "threads" needs a { module, export } task', {
              details: { argument: 'options.plan' },
            });
          }
          await this.#runRemote(job, resolved, items, out, done, plan, progress);
        } else {
          const { fn } = await this.#load(resolved);
          if (plan.mode === 'async') await runAsync(job, fn, items, out, done, plan.maxInFlight, progress);
          else await runSerial(job, fn, items, out, done, planned.itemMeanMs, progress);
        }
      }
      job.throwIfStopped();
      ok = true;
      return out as O[];
    } catch (error) {
      throw job.error ?? error;
    } finally {
      this.#endJob(job, ok);
      this.#observe('executor.map', performance.now() - startedMs, ok, mode);
    }
  }

  async run<I, O>(task: Task<I, O>, input: I, options: RunOptions = {}): Promise<O> {
    this.#assertOpen();
    const resolved = resolveTask(task as Task, this.#hrefs);
    const job = this.#startJob(jobSettings(options, 'options'));
    const startedMs = performance.now();
    let ok = false;
    try {
      const value =
        resolved.href === undefined
          ? await callItem(job, resolved.fn as TaskFunction, input, 0)
          : (await this.#runChunk(job, resolved, [input], 0))[0];
      ok = true;
      return value as O;
    } catch (error) {
      throw job.error ?? error;
    } finally {
      this.#endJob(job, ok);
      this.#observe(
        'executor.run',
        performance.now() - startedMs,
        ok,
        resolved.href === undefined ? 'serial' : 'threads',
      );
    }
  }

  stream<I, O>(
    task: Task<I, O>,
    source: AsyncIterable<I> | Iterable<I>,
    options: StreamOptions = {},
  ): AsyncIterable<O> {
    this.#assertOpen();
    const resolved = resolveTask(task as Task, this.#hrefs);
    const iterable = source as Partial<AsyncIterable<I> & Iterable<I>> | null;
    if (
      iterable === null ||
      typeof iterable !== 'object' ||
      (typeof iterable[Symbol.asyncIterator] !== 'function' &&
        typeof iterable[Symbol.iterator] !== 'function')
    ) {
      throw new InvalidInputError(`source must be an iterable or async iterable, got ${typeof source}`, {
        details: { argument: 'source' },
      });
    }
    const settings = jobSettings(options, 'options');
    const maxInFlight = positiveInteger(options.maxInFlight, 'options.maxInFlight', 1024);
    optionalFunction(options.onProgress, 'options.onProgress');
    const body = this.#streamBody(
      resolved,
      iterable as AsyncIterable<I> | Iterable<I>,
      settings,
      options,
      maxInFlight,
    );
    return { [Symbol.asyncIterator]: () => body as AsyncIterator<O> };
  }

  stats(): BullmqExecutorStats {
    return { ...this.#stats };
  }

  dispose(): Promise<void> {
    if (this.#disposed === undefined) {
      const error = new AbortError('the executor was disposed while the job was running');
      for (const job of this.#jobs) job.stop(error);
      clearInterval(this.#poller);
      this.#disposed = (async () => {
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
    return this.#disposed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  // ---------------------------------------------------------------- jobs

  #assertOpen(): void {
    if (this.#disposed !== undefined) {
      throw new AbortError('the executor is disposed; create a new one with createBullmqExecutor()');
    }
  }

  #startJob(settings: JobSettings): Job {
    const job = new Job(settings);
    this.#jobs.add(job);
    this.#stats.jobs++;
    return job;
  }

  #endJob(job: Job, ok: boolean): void {
    if (!ok) this.#stats.failedJobs++;
    this.#stats.retries += job.retries;
    job.retries = 0;
    if (!ok) job.stop(new AbortError('the job ended'));
    job.finish();
    this.#jobs.delete(job);
  }

  #load(resolved: ResolvedTask): Promise<{ fn: TaskFunction; loadMs: number }> {
    if (resolved.fn !== undefined) return loadTask(resolved);
    let loading = this.#loaded.get(resolved.key);
    if (loading === undefined) {
      loading = loadTask(resolved);
      loading.catch(() => this.#loaded.delete(resolved.key));
      this.#loaded.set(resolved.key, loading);
    }
    return loading;
  }

  #observe(name: string, durationMs: number, ok: boolean, mode: string): void {
    try {
      this.#metrics?.observe({ name, durationMs, ok, labels: { backend: 'bullmq', mode } });
    } catch {
      // A broken metrics sink must not fail the work it measures.
    }
  }

  // ---------------------------------------------------------------- planning

  /** Worker slots connected to the queue: the sum of the workers' concurrency (client names carry it). */
  async #connectedSlots(job: Job): Promise<number> {
    await job.race(this.#ready);
    const clients = await job.race(this.#queue.getWorkers());
    let slots = 0;
    for (const client of clients) slots += slotsOf((client as { rawname?: string }).rawname);
    this.#stats.workerSlots = slots;
    return slots;
  }

  /** Measures, once, an empty chunk's round trip through the queue and the cost of one more pipelined chunk. */
  async #calibrate(job: Job, slots: number): Promise<Calibration> {
    const ping = (): Promise<Outcome> => this.#dispatch(job, undefined, []);
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
    const calibration = { roundTripMs: median(tripsMs), chunkOverheadMs };
    this.#calibration = calibration;
    this.#stats.chunkRoundTripMs = calibration.roundTripMs;
    this.#stats.chunkOverheadMs = calibration.chunkOverheadMs;
    return calibration;
  }

  async #planJob(
    job: Job,
    resolved: ResolvedTask,
    items: readonly unknown[],
    out: unknown[],
    options: MapOptions,
    itemCount: number,
  ): Promise<Planned> {
    const taskType = options.taskType ?? 'generic';
    if (options.plan !== undefined) {
      const stored = this.#samples.get(options.plan as ExecutionPlan);
      const slots = options.plan.workers ?? this.#workers ?? Math.max(1, await this.#connectedSlots(job));
      const plan = completePlan(options.plan, slots, itemCount);
      if (stored !== undefined && stored.items === items && stored.key === resolved.key) {
        for (let index = 0; index < stored.results.length; index++) out[index] = stored.results[index];
        return { plan, profile: stored.profile, itemMeanMs: stored.itemMeanMs, done: stored.results.length };
      }
      return { plan, profile: undefined, itemMeanMs: Number.NaN, done: 0 };
    }
    const { fn } = await this.#load(resolved);
    const sample = await sampleItems(job, fn, items, out, {
      totalItems: itemCount,
      minCount: 3,
      maxCount: positiveInteger(options.maxSampleItems, 'options.maxSampleItems', 16),
      budgetShare: 0.01,
      budgetMs: 20,
      copyMsPerByte: () => {
        this.#copyMsPerByte ??= measureCopyMsPerByte();
        return this.#copyMsPerByte;
      },
    });
    const profile: WorkloadProfile = {
      itemCount,
      itemTimeMs: sample.medianMs,
      itemTimeCv: sample.cv,
      inputBytesPerItem: sample.inputBytes,
      outputBytesPerItem: sample.outputBytes,
      serializationMsPerItem: sample.cloneInMs + sample.cloneOutMs,
      cpuRatio: sample.cpuRatio,
      taskType,
    };
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
    // Items cross the queue as V8 bytes in base64 inside JSON, both ways: about twice a thread's copy.
    const inputs: CostInputs = {
      itemCount: Math.max(0, itemCount - sample.count),
      doneCount: sample.count,
      doneMs: sample.elapsedMs,
      itemMs: sample.meanMs,
      itemCv: sample.cv,
      cpuRatio: sample.cpuRatio,
      cloneInMs: 2 * sample.cloneInMs,
      cloneOutMs: 2 * sample.cloneOutMs,
      inputBytesPerItem: sample.inputBytes,
      outputBytesPerItem: sample.outputBytes,
      taskType,
      threadsAllowed: resolved.href !== undefined && sample.cloneError === undefined,
      cores: workers,
      maxWorkers: workers,
      warmWorkers: workers,
      poolStartMs: 0,
      moduleLoadMs: 0,
      chunkOverheadMs: calibration?.chunkOverheadMs ?? DEFAULT_CHUNK_OVERHEAD_MS,
      roundTripMs,
      asyncConcurrency: DEFAULT_ASYNC_CONCURRENCY,
    };
    const decided = choosePlan(inputs);
    if (sample.cloneError !== undefined && resolved.href !== undefined) {
      warnings.push(`items or results cannot be serialized for the queue (${sample.cloneError})`);
    }
    const reason =
      decided.mode === 'threads'
        ? `queue ${decided.reason.replace(/^threads: (\d+) workers/, '$1 worker slots')}; queue round trip ${formatMs(roundTripMs)} per chunk`
        : decided.reason;
    const plan: ExecutionPlan = {
      ...decided,
      warnings: [...decided.warnings, ...warnings],
      reason,
      source: 'dry-run',
      confidence: dryRunConfidence(sample),
    };
    return { plan, profile, itemMeanMs: sample.meanMs, done: sample.count };
  }

  // ---------------------------------------------------------------- execution

  /** Sends chunks of `[from, n)` with at most two chunks out per planned worker slot. */
  #runRemote(
    job: Job,
    resolved: ResolvedTask,
    items: readonly unknown[],
    out: unknown[],
    from: number,
    plan: ExecutionPlan,
    onProgress: ((done: number) => void) | undefined,
  ): Promise<void> {
    const n = items.length;
    const chunkSize = Math.max(1, plan.chunkSize);
    const maxOut = CHUNKS_PER_SLOT * Math.max(1, plan.workers);
    let next = from;
    let done = from;
    let inFlight = 0;
    return job.race(
      new Promise<void>((resolve, reject) => {
        const pump = () => {
          while (!job.isStopped && next < n && inFlight < maxOut) {
            const start = next;
            const end = Math.min(n, start + chunkSize);
            next = end;
            inFlight++;
            this.#runChunk(job, resolved, items.slice(start, end), start)
              .then((results) => {
                for (let k = 0; k < results.length; k++) out[start + k] = results[k];
                done += end - start;
                inFlight--;
                onProgress?.(done);
                if (done === n) resolve();
                else pump();
              })
              .catch((error: unknown) => {
                job.stop(error as Error);
                reject(error);
              });
          }
        };
        pump();
      }),
    );
  }

  /** Runs one chunk on the queue, retrying from the failing item as the job allows. */
  async #runChunk(
    job: Job,
    resolved: ResolvedTask,
    chunkItems: unknown[],
    offset: number,
  ): Promise<unknown[]> {
    const results: unknown[] = [];
    let from = 0;
    for (;;) {
      const outcome = await this.#dispatch(job, resolved, from === 0 ? chunkItems : chunkItems.slice(from));
      let index: number;
      let cause: Error;
      if ('lost' in outcome) {
        index = offset + from;
        cause = new Error(
          `the chunk of items ${index}..${offset + chunkItems.length - 1} failed on the queue: ${outcome.lost}`,
        );
        (cause as Error & { retryable: boolean }).retryable = true;
      } else {
        const base = from;
        for (const value of outcome.results) results.push(value);
        from += outcome.results.length;
        if (!('failedAt' in outcome)) return results;
        index = offset + base + outcome.failedAt;
        cause = outcome.timedOut
          ? itemTimedOut(index, job.settings.itemTimeoutMs as number)
          : deserializeError(outcome.error);
      }
      const delayMs = job.retryDelay(index, cause);
      if (delayMs === undefined) throw cause instanceof TimeoutError ? cause : itemFailed(index, cause);
      await job.sleep(delayMs);
    }
  }

  /** Puts one chunk on the queue (an empty one is a ping) and waits for its outcome. */
  async #dispatch(job: Job, resolved: ResolvedTask | undefined, chunkItems: unknown[]): Promise<Outcome> {
    job.throwIfStopped();
    const id = `${this.#prefix}-${++this.#seq}`;
    const data: RemoteChunkData = {
      module: resolved?.href ?? '',
      export: resolved?.exportName ?? '',
      items: encodePayload(chunkItems),
    };
    if (job.settings.itemTimeoutMs !== undefined) data.itemTimeoutMs = job.settings.itemTimeoutMs;
    this.#stats.chunks++;
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
    if (this.#polling || this.#pending.size === 0 || this.#disposed !== undefined) return;
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
          const error = this.#unreachable(undefined);
          for (const job of this.#jobs) job.stop(error);
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
          this.#stats.resubmitted++;
          await bounded(this.#addOnce(id, entry.data), limitMs);
        }
      }
    } catch {
      // Redis went away during the check: the next one sees it.
    } finally {
      this.#polling = false;
    }
  }

  // ---------------------------------------------------------------- streams

  async *#streamBody(
    resolved: ResolvedTask,
    source: AsyncIterable<unknown> | Iterable<unknown>,
    settings: JobSettings,
    options: StreamOptions,
    maxInFlight: number,
  ): AsyncGenerator<unknown> {
    const job = this.#startJob(settings);
    const iterator =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<unknown>)[Symbol.asyncIterator]()
        : (source as Iterable<unknown>)[Symbol.iterator]();
    const startedMs = performance.now();
    let sourceDone = false;
    let yielded = 0;
    let ok = false;
    let mode = 'serial';
    const pull = async (max: number): Promise<unknown[]> => {
      const batch: unknown[] = [];
      while (batch.length < max && !sourceDone) {
        const step = await job.race(Promise.resolve(iterator.next()));
        if (step.done) sourceDone = true;
        else batch.push(step.value);
      }
      return batch;
    };
    const progress = () => options.onProgress?.(++yielded, Number.NaN);
    try {
      const first = await pull(
        Math.min(positiveInteger(options.maxSampleItems, 'options.maxSampleItems', 16), maxInFlight),
      );
      const firstResults = new Array<unknown>(first.length);
      const planned = await this.#planJob(job, resolved, first, firstResults, options, STREAM_PLAN_ITEMS);
      const { plan } = planned;
      mode = plan.mode;
      let index = 0;
      if (plan.mode === 'threads' && resolved.href !== undefined) {
        const slots = Math.max(1, plan.workers);
        const chunkSize = Math.max(
          1,
          Math.min(plan.chunkSize, Math.floor(maxInFlight / (CHUNKS_PER_SLOT * slots))),
        );
        const pending: { size: number; results: Promise<unknown[]> }[] = [];
        let pendingItems = 0;
        // The sampled items already have results (from the dry run) or go first as their own chunk.
        const sampled = planned.done;
        if (sampled > 0)
          pending.push({ size: sampled, results: Promise.resolve(firstResults.slice(0, sampled)) });
        let carry = first.slice(sampled);
        index = sampled;
        for (;;) {
          while (!sourceDone || carry.length > 0) {
            if (pending.length >= CHUNKS_PER_SLOT * slots || pendingItems + chunkSize > maxInFlight) break;
            const batch = carry.length > 0 ? carry : await pull(chunkSize);
            carry = [];
            if (batch.length === 0) break;
            const results = this.#runChunk(job, resolved, batch, index);
            results.catch(() => {});
            pending.push({ size: batch.length, results });
            pendingItems += batch.length;
            index += batch.length;
          }
          const head = pending.shift();
          if (head === undefined) break;
          const results = await job.race(head.results);
          pendingItems -= head.size;
          for (const value of results) {
            yield value;
            progress();
          }
        }
      } else {
        const { fn } = await this.#load(resolved);
        for (let k = planned.done; k < first.length; k++)
          firstResults[k] = await callItem(job, fn, first[k], k);
        for (const value of firstResults) {
          yield value;
          progress();
        }
        index = first.length;
        for (;;) {
          const [item] = await pull(1);
          if (sourceDone && item === undefined) break;
          yield await callItem(job, fn, item, index++);
          progress();
        }
      }
      ok = true;
    } catch (error) {
      throw job.error ?? error;
    } finally {
      if (!ok && !job.isStopped) job.stop(new AbortError('the stream was closed before it finished'));
      this.#endJob(job, ok);
      if (!sourceDone) await Promise.resolve(iterator.return?.()).catch(() => {});
      this.#observe('executor.stream', performance.now() - startedMs, ok, mode);
    }
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

/**
 * Creates an executor whose `map`/`stream`/`run` send chunks through a BullMQ queue on
 * Redis to `startWorker` processes (`toolbox-worker`), on this machine or others. Task
 * modules must be importable at the same path or URL on every worker.
 */
export function createBullmqExecutor(options: BullmqExecutorOptions): BullmqExecutor {
  return new BullmqBackend(options);
}
