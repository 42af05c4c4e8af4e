import { availableParallelism, cpus, totalmem } from 'node:os';
import {
  AbortError,
  type ExecutionPlan,
  type ExecutionRecord,
  InvalidInputError,
  type MetricsSink,
  machineFingerprint,
  type PlanAdvisor,
  type ResourceGovernor,
  type SystemSnapshot,
  type TaskType,
  TimeoutError,
  type WorkloadProfile,
} from '@toolbox/contracts';
import { Piscina } from 'piscina';
import { measureCopyMsPerByte } from './_copy-rate.js';
import { type CostInputs, choosePlan } from './_cost-model.js';
import {
  callItem,
  itemFailed,
  itemTimedOut,
  runAsync,
  runSerial,
  type Sample,
  sampleItems,
} from './_in-process.js';
import { Job, type JobSettings } from './_job.js';
import { loadTask } from './_load-task.js';
import {
  assertItems,
  completePlan,
  DEFAULT_ASYNC_CONCURRENCY,
  dryRunConfidence,
  jobSettings,
  once,
} from './_options.js';
import { type ChunkRequest, type ChunkResponse, deserializeError } from './_protocol.js';
import { median } from './_statistics.js';
import { type ResolvedTask, resolveTask } from './_task.js';
import { collectTransferables } from './_transfer.js';
import { durationMs, optionalFunction, positiveInteger } from './_validate.js';
import { workerFile } from './_worker-file.js';
import type {
  ExecutorOptions,
  ExecutorStats,
  MapOptions,
  PlanOptions,
  RunOptions,
  StreamOptions,
  Task,
  TaskFunction,
} from './types.js';

/** Plans and runs work serially, on a warm piscina pool, or as concurrent promises. */
export interface Executor extends AsyncDisposable {
  /** Measures (or asks the advisor) and decides how `map(task, items)` should run; the measured items are reused by `map` given this plan. */
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
  stats(): ExecutorStats;
  /** Stops every job in flight (they reject with `AbortError`) and terminates the workers. */
  dispose(): Promise<void>;
}

/** Estimates used until the pool has been measured, from this machine (issue: piscina ~30 ms start, ~30 µs per task). */
const DEFAULT_POOL_START_MS = 30;
const DEFAULT_CHUNK_OVERHEAD_MS = 0.03;
const DEFAULT_ROUND_TRIP_MS = 0.1;
/** Chunks queued on one worker at once: the second hides the round trip of the first. */
const CHUNKS_PER_WORKER = 2;
/** Items a stream is planned for, its length being unknown. */
const STREAM_PLAN_ITEMS = 10_000;
const GOVERNOR_RECHECK_MS = 50;

interface Calibration {
  poolStartMs: number;
  chunkOverheadMs: number;
  roundTripMs: number;
}

interface Admission {
  workers: number;
  release: () => void;
  checkedAtMs: number;
  pausedUntilMs: number;
}

interface SlotWaiter {
  job: Job;
  seq: number;
  grant: () => void;
}

/** What a worker crash or item timeout looks like to the chunk runner. */
interface ChunkCrash {
  crash: Error;
  at: number;
  /** False when the chunk was still queued on a worker that died running another chunk. */
  started: boolean;
}

interface Planned {
  plan: ExecutionPlan;
  profile: WorkloadProfile | undefined;
  /** Mean item time, for the serial estimate. */
  itemMeanMs: number;
  done: number;
}

/**
 * Serial time over wall time. Threads: what the items really took — the dry run's items
 * plus the workers' measured compute time — over the job's wall time (planning and
 * dispatch included). Serial: 1, the work ran as it would without the executor. Async:
 * the dry run's mean item time times the items (waits overlap; no per-item clock).
 */
function measuredSpeedup(planned: Planned, job: Job, itemCount: number, wallTimeMs: number): number {
  const wall = Math.max(wallTimeMs, 1e-6);
  switch (planned.plan.mode) {
    case 'serial':
      return 1;
    case 'threads':
      return (planned.itemMeanMs * planned.done + job.workerComputeMs) / wall;
    default:
      return (planned.itemMeanMs * itemCount) / wall;
  }
}

interface StoredSample {
  items: readonly unknown[];
  key: string;
  results: unknown[];
  profile: WorkloadProfile;
  itemMeanMs: number;
}

class ToolboxExecutor implements Executor {
  readonly #maxWorkers: number;
  readonly #idleTimeoutMs: number;
  readonly #workerMemoryLimitMb: number | undefined;
  readonly #governor: ResourceGovernor | undefined;
  readonly #advisor: PlanAdvisor | undefined;
  readonly #metrics: MetricsSink | undefined;
  #pool: Piscina | undefined;
  #calibration: Calibration | undefined;
  #calibrating: Promise<Calibration> | undefined;
  #copyMsPerByte: number | undefined;
  readonly #hrefs = new Map<string, string>();
  /** `os.availableParallelism()`, read once: it is a system call. */
  readonly #availableCores = availableParallelism();
  readonly #loaded = new Map<string, Promise<{ fn: TaskFunction; loadMs: number }>>();
  readonly #moduleLoadMs = new Map<string, number>();
  readonly #warmModules = new Set<string>();
  readonly #jobs = new Set<Job>();
  readonly #jobRunning = new Map<Job, number>();
  readonly #jobCap = new Map<Job, number>();
  readonly #waiting: SlotWaiter[] = [];
  #running = 0;
  #seq = 0;
  readonly #samples = new WeakMap<ExecutionPlan, StoredSample>();
  #machine: string | undefined;
  #disposed: Promise<void> | undefined;
  readonly #stats: ExecutorStats = {
    jobs: 0,
    failedJobs: 0,
    chunks: 0,
    retries: 0,
    workerFailures: 0,
    governorWaits: 0,
    governorReductions: 0,
    poolStartMs: undefined,
    chunkRoundTripMs: undefined,
    chunkOverheadMs: undefined,
  };

  constructor(options: ExecutorOptions) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidInputError(`options must be an object, got ${String(options)}`, {
        details: { argument: 'options' },
      });
    }
    this.#governor = options.governor;
    this.#advisor = options.advisor;
    this.#metrics = options.metrics;
    this.#maxWorkers = positiveInteger(options.maxWorkers, 'options.maxWorkers', this.#cores());
    this.#idleTimeoutMs = durationMs(options.idleTimeoutMs, 'options.idleTimeoutMs', true) ?? 60_000;
    this.#workerMemoryLimitMb =
      options.workerMemoryLimitMb === undefined
        ? undefined
        : positiveInteger(options.workerMemoryLimitMb, 'options.workerMemoryLimitMb', 0);
  }

  #cores(): number {
    const snapshotCores = this.#snapshot()?.usableCores;
    return Math.max(1, Math.floor(snapshotCores ?? this.#availableCores));
  }

  #snapshot(): SystemSnapshot | undefined {
    return this.#governor?.snapshot();
  }

  // ---------------------------------------------------------------- public API

  async plan<I>(task: Task<I>, items: readonly I[], options: PlanOptions = {}): Promise<ExecutionPlan> {
    this.#assertOpen();
    const resolved = resolveTask(task as Task, this.#hrefs);
    assertItems(items);
    const job = this.#startJob(jobSettings(options, 'options'));
    try {
      // Only the measured items are written: no array of items.length (allocating one costs more than planning).
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
      this.#endJob(job);
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
    let planned: Planned | undefined;
    let ok = false;
    try {
      job.throwIfStopped();
      planned = await this.#planJob(job, resolved, items, out, options, items.length);
      const progress = onProgress && ((done: number) => onProgress(done, items.length));
      await this.#execute(job, resolved, items, out, planned, options.taskType ?? 'generic', progress);
      job.throwIfStopped();
      ok = true;
      return out as O[];
    } catch (error) {
      throw job.error ?? error;
    } finally {
      this.#endJob(job, ok);
      if (planned !== undefined) {
        this.#record('executor.map', planned, job, items.length, performance.now() - startedMs, ok, options);
      }
    }
  }

  async run<I, O>(task: Task<I, O>, input: I, options: RunOptions = {}): Promise<O> {
    this.#assertOpen();
    const resolved = resolveTask(task as Task, this.#hrefs);
    const job = this.#startJob(jobSettings(options, 'options'));
    const startedMs = performance.now();
    let ok = false;
    try {
      let value: unknown;
      if (resolved.href === undefined) {
        value = await callItem(job, resolved.fn as TaskFunction, input, 0);
      } else {
        this.#jobCap.set(job, 1);
        value = (await this.#runChunk(job, resolved, [input], 0))[0];
      }
      ok = true;
      return value as O;
    } catch (error) {
      throw job.error ?? error;
    } finally {
      this.#endJob(job, ok);
      this.#observe('executor.run', performance.now() - startedMs, ok, {
        mode: resolved.href === undefined ? 'serial' : 'threads',
      });
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

  stats(): ExecutorStats {
    return { ...this.#stats };
  }

  dispose(): Promise<void> {
    if (this.#disposed === undefined) {
      const error = new AbortError('the executor was disposed while the job was running');
      for (const job of this.#jobs) job.stop(error);
      this.#disposed = (async () => {
        const pool = this.#pool;
        this.#pool = undefined;
        await pool?.destroy();
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
      throw new AbortError('the executor is disposed; create a new one with createExecutor()');
    }
  }

  #startJob(settings: JobSettings): Job {
    const job = new Job(settings);
    this.#jobs.add(job);
    this.#stats.jobs++;
    return job;
  }

  #endJob(job: Job, ok = true): void {
    if (!ok) this.#stats.failedJobs++;
    this.#stats.retries += job.retries;
    job.retries = 0;
    // Stops whatever is still running for this job (e.g. other chunks after a failure).
    if (!ok) job.stop(new AbortError('the job ended'));
    job.finish();
    this.#jobs.delete(job);
    this.#jobCap.delete(job);
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

  // ---------------------------------------------------------------- planning

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
      const plan = completePlan(options.plan, this.#maxWorkers, itemCount);
      if (stored !== undefined && stored.items === items && stored.key === resolved.key) {
        for (let index = 0; index < stored.results.length; index++) out[index] = stored.results[index];
        return { plan, profile: stored.profile, itemMeanMs: stored.itemMeanMs, done: stored.results.length };
      }
      return { plan, profile: undefined, itemMeanMs: Number.NaN, done: 0 };
    }
    const startedMs = performance.now();
    const { fn, loadMs } = await this.#load(resolved);
    const sample = await sampleItems(job, fn, items, out, {
      totalItems: itemCount,
      minCount: 3,
      maxCount: positiveInteger(options.maxSampleItems, 'options.maxSampleItems', 16),
      budgetShare: 0.01,
      budgetMs: 20,
      copyMsPerByte: () => this.#measureCopyRate(),
    });
    if (resolved.href !== undefined && !this.#moduleLoadMs.has(resolved.key)) {
      this.#moduleLoadMs.set(resolved.key, loadMs);
    }
    const snapshot = this.#snapshot();
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
    let plan: ExecutionPlan | undefined;
    if (this.#advisor !== undefined && snapshot !== undefined && sample.count < itemCount) {
      plan = this.#advisor.suggest(profile, snapshot);
      if (plan !== undefined && plan.mode === 'threads' && resolved.href === undefined) plan = undefined;
    }
    if (plan === undefined) {
      let inputs = this.#costInputs(resolved, sample, itemCount, taskType, snapshot);
      let decided = choosePlan(inputs);
      if (decided.mode === 'threads' && this.#calibration === undefined) {
        // Measure pool start-up and round trips once, then decide with real numbers.
        await job.race(this.#calibrate());
        inputs = this.#costInputs(resolved, sample, itemCount, taskType, snapshot);
        decided = choosePlan(inputs);
      }
      if (sample.cloneError !== undefined && resolved.href !== undefined) {
        decided.warnings.push(`items or results cannot be copied to workers (${sample.cloneError})`);
      }
      plan = { ...decided, source: 'dry-run', confidence: dryRunConfidence(sample) };
    }
    this.#observe('executor.plan', performance.now() - startedMs, true, {
      mode: plan.mode,
      source: plan.source,
    });
    return { plan, profile, itemMeanMs: sample.meanMs, done: sample.count };
  }

  #costInputs(
    resolved: ResolvedTask,
    sample: Sample,
    itemCount: number,
    taskType: TaskType,
    snapshot: SystemSnapshot | undefined,
  ): CostInputs {
    const calibration = this.#calibration;
    const warm = resolved.href !== undefined && this.#warmModules.has(resolved.href);
    const inputs: CostInputs = {
      itemCount: Math.max(0, itemCount - sample.count),
      doneCount: sample.count,
      doneMs: sample.elapsedMs,
      itemMs: sample.meanMs,
      itemCv: sample.cv,
      cpuRatio: sample.cpuRatio,
      cloneInMs: sample.cloneInMs,
      cloneOutMs: sample.cloneOutMs,
      inputBytesPerItem: sample.inputBytes,
      outputBytesPerItem: sample.outputBytes,
      taskType,
      threadsAllowed: resolved.href !== undefined && sample.cloneError === undefined,
      cores: snapshot?.usableCores ?? this.#availableCores,
      maxWorkers: this.#maxWorkers,
      warmWorkers: this.#pool?.threads.length ?? 0,
      poolStartMs: calibration?.poolStartMs ?? DEFAULT_POOL_START_MS,
      moduleLoadMs: warm ? 0 : Math.max(0.5, this.#moduleLoadMs.get(resolved.key) ?? 0),
      chunkOverheadMs: calibration?.chunkOverheadMs ?? DEFAULT_CHUNK_OVERHEAD_MS,
      roundTripMs: calibration?.roundTripMs ?? DEFAULT_ROUND_TRIP_MS,
      asyncConcurrency: DEFAULT_ASYNC_CONCURRENCY,
    };
    if (snapshot !== undefined) inputs.memoryAvailableBytes = snapshot.memoryAvailableBytes;
    return inputs;
  }

  /**
   * Starts the pool and measures, once per executor: start-up, the round trip of an empty
   * chunk to an idle worker, and the cost of one more chunk when chunks are pipelined.
   */
  #calibrate(): Promise<Calibration> {
    this.#calibrating ??= (async () => {
      const pool = this.#ensurePool();
      const cold = pool.threads.length === 0;
      const ping: ChunkRequest = { module: '', export: '', items: [] };
      const startedMs = performance.now();
      await Promise.all(Array.from({ length: this.#maxWorkers }, () => pool.run(ping)));
      const poolStartMs = cold ? performance.now() - startedMs : DEFAULT_POOL_START_MS;
      const tripsMs: number[] = [];
      for (let k = 0; k < 7; k++) {
        const tripStartMs = performance.now();
        await pool.run(ping);
        tripsMs.push(performance.now() - tripStartMs);
      }
      const pings = 16 * this.#maxWorkers;
      const burstStartMs = performance.now();
      await Promise.all(Array.from({ length: pings }, () => pool.run(ping)));
      const chunkOverheadMs = ((performance.now() - burstStartMs) * this.#maxWorkers) / pings;
      const calibration: Calibration = { poolStartMs, chunkOverheadMs, roundTripMs: median(tripsMs) };
      this.#calibration = calibration;
      this.#stats.poolStartMs = calibration.poolStartMs;
      this.#stats.chunkRoundTripMs = calibration.roundTripMs;
      this.#stats.chunkOverheadMs = calibration.chunkOverheadMs;
      return calibration;
    })();
    this.#calibrating.catch(() => {
      this.#calibrating = undefined;
    });
    return this.#calibrating;
  }

  /** Milliseconds per byte to serialize a typed array for another thread; measured once. */
  #measureCopyRate(): number {
    this.#copyMsPerByte ??= measureCopyMsPerByte();
    return this.#copyMsPerByte;
  }

  // ---------------------------------------------------------------- execution

  async #execute(
    job: Job,
    resolved: ResolvedTask,
    items: readonly unknown[],
    out: unknown[],
    planned: Planned,
    taskType: TaskType,
    onProgress: ((done: number) => void) | undefined,
  ): Promise<void> {
    const { plan, done } = planned;
    if (done >= items.length) return;
    const admission = await this.#admit(job, taskType, plan.mode === 'threads' ? plan.workers : 1);
    try {
      if (plan.mode === 'threads') {
        if (resolved.href === undefined) {
          throw new InvalidInputError('options.plan.mode "threads" needs a { module, export } task', {
            details: { argument: 'options.plan' },
          });
        }
        await this.#runThreads(job, resolved, items, out, done, plan, admission, taskType, onProgress);
        return;
      }
      const { fn } = await this.#load(resolved);
      if (plan.mode === 'async') {
        await runAsync(job, fn, items, out, done, plan.maxInFlight, onProgress);
      } else {
        await runSerial(job, fn, items, out, done, planned.itemMeanMs, onProgress);
      }
    } finally {
      admission.release();
    }
  }

  #runThreads(
    job: Job,
    resolved: ResolvedTask,
    items: readonly unknown[],
    out: unknown[],
    from: number,
    plan: ExecutionPlan,
    admission: Admission,
    taskType: TaskType,
    onProgress: ((done: number) => void) | undefined,
  ): Promise<void> {
    const n = items.length;
    const chunkSize = Math.max(1, plan.chunkSize);
    this.#setJobWorkers(job, Math.min(plan.workers, admission.workers));
    let next = from;
    let done = from;
    let inFlight = 0;
    let resumeTimer: NodeJS.Timeout | undefined;
    return job
      .race(
        new Promise<void>((resolve, reject) => {
          const pump = () => {
            resumeTimer = undefined;
            while (!job.isStopped && next < n && inFlight < (this.#jobCap.get(job) ?? 1)) {
              const waitMs = this.#recheck(job, admission, taskType);
              if (waitMs > 0) {
                if (inFlight === 0) resumeTimer = setTimeout(pump, waitMs);
                return;
              }
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
                // Also catches a throwing onProgress: it fails the job instead of going unhandled.
                .catch((error: unknown) => {
                  job.stop(error as Error);
                  reject(error);
                });
            }
          };
          pump();
        }),
      )
      .finally(() => clearTimeout(resumeTimer));
  }

  /** Runs one chunk on a worker, retrying from the failing item as the job allows. */
  async #runChunk(
    job: Job,
    resolved: ResolvedTask,
    chunkItems: unknown[],
    offset: number,
  ): Promise<unknown[]> {
    const results: unknown[] = [];
    let from = 0;
    for (;;) {
      const outcome = await this.#dispatch(
        job,
        resolved,
        from === 0 ? chunkItems : chunkItems.slice(from),
        offset + from,
      );
      let index: number;
      let cause: Error;
      if ('crash' in outcome) {
        // A chunk that was only queued on the dead worker is innocent: send it again.
        if (!outcome.started) continue;
        index = outcome.at;
        cause = outcome.crash;
      } else {
        for (const value of outcome.results) results.push(value);
        from += outcome.results.length;
        if (!('failedAt' in outcome)) return results;
        index = offset + from;
        cause = deserializeError(outcome.error);
      }
      const delayMs = job.retryDelay(index, cause);
      if (delayMs === undefined) {
        throw cause instanceof TimeoutError ? cause : itemFailed(index, cause);
      }
      await job.sleep(delayMs);
    }
  }

  /** Sends one chunk to the pool when a slot is free; resolves with the worker's answer or the crash. */
  async #dispatch(
    job: Job,
    resolved: ResolvedTask,
    chunkItems: unknown[],
    offset: number,
  ): Promise<ChunkResponse | ChunkCrash> {
    await this.#acquireSlot(job);
    const controller = new AbortController();
    const onStop = () => controller.abort(job.error);
    job.signal.addEventListener('abort', onStop, { once: true });
    const progress = new Float64Array(new SharedArrayBuffer(16));
    const limitMs = job.settings.itemTimeoutMs;
    let timedOutAt: number | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    if (limitMs !== undefined) {
      const check = () => {
        const itemStartedMs = progress[1] as number;
        const elapsedMs = itemStartedMs === 0 ? 0 : Date.now() - itemStartedMs;
        if (elapsedMs >= limitMs) {
          timedOutAt = offset + (progress[0] as number);
          controller.abort();
        } else {
          watchdog = setTimeout(check, Math.max(1, limitMs - elapsedMs));
        }
      };
      watchdog = setTimeout(check, limitMs);
    }
    try {
      const pool = this.#ensurePool();
      const request: ChunkRequest = {
        module: resolved.href as string,
        export: resolved.exportName,
        items: chunkItems,
        progress,
        transfer: job.settings.transfer,
      };
      const transferList = job.settings.transfer ? collectTransferables(chunkItems) : undefined;
      this.#stats.chunks++;
      const response = (await pool.run(request, {
        signal: controller.signal,
        transferList,
      })) as ChunkResponse;
      job.workerComputeMs += response.computeMs ?? 0;
      this.#warmModules.add(request.module);
      return response;
    } catch (error) {
      if (job.isStopped) throw job.error;
      this.#stats.workerFailures++;
      if (timedOutAt !== undefined) {
        return { crash: itemTimedOut(timedOutAt, limitMs as number), at: timedOutAt, started: true };
      }
      const at = offset + (progress[0] as number);
      const crash = new Error(`the worker running item ${at} died: ${(error as Error).message}`, {
        cause: error,
      });
      (crash as Error & { retryable: boolean }).retryable = true;
      return { crash, at, started: (progress[1] as number) !== 0 };
    } finally {
      clearTimeout(watchdog);
      job.signal.removeEventListener('abort', onStop);
      this.#releaseSlot(job);
    }
  }

  #ensurePool(): Piscina {
    if (this.#disposed !== undefined) throw new AbortError('the executor is disposed');
    if (this.#pool === undefined) {
      this.#pool = new Piscina({
        filename: workerFile(),
        minThreads: 0,
        maxThreads: this.#maxWorkers,
        idleTimeout: this.#idleTimeoutMs,
        concurrentTasksPerWorker: CHUNKS_PER_WORKER,
        ...(this.#workerMemoryLimitMb === undefined
          ? {}
          : { resourceLimits: { maxOldGenerationSizeMb: this.#workerMemoryLimitMb } }),
      });
      // A worker dying outside a task (or right after an abort) is reported here; the
      // task it ran, if any, has already been failed. Without a listener it would crash the process.
      this.#pool.on('error', () => {
        this.#stats.workerFailures++;
      });
    }
    return this.#pool;
  }

  // ---------------------------------------------------------------- slots and priority

  /**
   * Limits a job to `workers` workers: chunks in flight at once, doubled (one queued behind
   * each running chunk) when the job has the whole pool, as then it cannot spread wider.
   */
  #setJobWorkers(job: Job, workers: number): void {
    const bounded = Math.max(1, workers);
    this.#jobCap.set(job, bounded >= this.#maxWorkers ? CHUNKS_PER_WORKER * bounded : bounded);
  }

  /** Waits for a pool slot: at most `maxWorkers` chunks run at once, at most the job's cap per job, highest priority first. */
  #acquireSlot(job: Job): Promise<void> {
    job.throwIfStopped();
    return new Promise<void>((resolve, reject) => {
      const waiter: SlotWaiter = {
        job,
        seq: this.#seq++,
        grant: () => {
          job.signal.removeEventListener('abort', onStop);
          resolve();
        },
      };
      const onStop = () => {
        const position = this.#waiting.indexOf(waiter);
        if (position !== -1) this.#waiting.splice(position, 1);
        reject(job.error);
      };
      job.signal.addEventListener('abort', onStop, { once: true });
      this.#waiting.push(waiter);
      this.#grant();
    });
  }

  #releaseSlot(job: Job): void {
    this.#running--;
    this.#jobRunning.set(job, (this.#jobRunning.get(job) ?? 1) - 1);
    if (this.#jobRunning.get(job) === 0) this.#jobRunning.delete(job);
    this.#grant();
  }

  #grant(): void {
    while (this.#running < CHUNKS_PER_WORKER * this.#maxWorkers) {
      let best = -1;
      for (let k = 0; k < this.#waiting.length; k++) {
        const candidate = this.#waiting[k] as SlotWaiter;
        if ((this.#jobRunning.get(candidate.job) ?? 0) >= (this.#jobCap.get(candidate.job) ?? Infinity))
          continue;
        const current = this.#waiting[best];
        if (
          current === undefined ||
          candidate.job.settings.priority > current.job.settings.priority ||
          (candidate.job.settings.priority === current.job.settings.priority && candidate.seq < current.seq)
        ) {
          best = k;
        }
      }
      if (best === -1) return;
      const [waiter] = this.#waiting.splice(best, 1) as [SlotWaiter];
      this.#running++;
      this.#jobRunning.set(waiter.job, (this.#jobRunning.get(waiter.job) ?? 0) + 1);
      waiter.grant();
    }
  }

  // ---------------------------------------------------------------- governor

  async #admit(job: Job, taskType: TaskType, workers: number): Promise<Admission> {
    const admission: Admission = {
      workers,
      release: () => {},
      checkedAtMs: performance.now(),
      pausedUntilMs: 0,
    };
    const governor = this.#governor;
    if (governor === undefined) return admission;
    for (;;) {
      job.throwIfStopped();
      const answer = governor.admit({ taskType, workers });
      if (answer.decision === 'wait') {
        this.#stats.governorWaits++;
        this.#observe('executor.governor', answer.retryAfterMs, true, { decision: 'wait' });
        await job.sleep(answer.retryAfterMs);
        continue;
      }
      if (answer.decision === 'reduce') {
        this.#stats.governorReductions++;
        admission.workers = Math.max(1, Math.min(workers, answer.workers));
      }
      admission.release = once(answer.release);
      admission.checkedAtMs = performance.now();
      return admission;
    }
  }

  /**
   * Between chunks: hands the admission back and asks again (at most every 50 ms).
   * Returns how long to pause dispatching, milliseconds (0 to go on).
   */
  #recheck(job: Job, admission: Admission, taskType: TaskType): number {
    const governor = this.#governor;
    if (governor === undefined) return 0;
    const nowMs = performance.now();
    if (nowMs < admission.pausedUntilMs) return admission.pausedUntilMs - nowMs;
    if (nowMs - admission.checkedAtMs < GOVERNOR_RECHECK_MS) return 0;
    admission.checkedAtMs = nowMs;
    admission.release();
    admission.release = () => {};
    const answer = governor.admit({ taskType, workers: admission.workers });
    if (answer.decision === 'wait') {
      this.#stats.governorWaits++;
      admission.pausedUntilMs = nowMs + answer.retryAfterMs;
      admission.checkedAtMs = 0;
      return answer.retryAfterMs;
    }
    if (answer.decision === 'reduce') {
      this.#stats.governorReductions++;
      admission.workers = Math.max(1, Math.min(admission.workers, answer.workers));
      this.#setJobWorkers(job, admission.workers);
    }
    admission.release = once(answer.release);
    return 0;
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
    const taskType = options.taskType ?? 'generic';
    const startedMs = performance.now();
    let sourceDone = false;
    let yielded = 0;
    let ok = false;
    let planned: Planned | undefined;
    let admission: Admission | undefined;
    const pending: { size: number; results: Promise<unknown[]> }[] = [];
    let pendingItems = 0;
    const syncSource = !(Symbol.asyncIterator in source);
    const pullBatch = async (max: number, batch: unknown[]): Promise<unknown[]> => {
      while (batch.length < max && !sourceDone) {
        const step = await iterator.next();
        if (step.done) sourceDone = true;
        else batch.push(step.value);
      }
      return batch;
    };
    // One race per batch, not per item: a hung source still lets an abort through.
    const pull = (max: number): Promise<unknown[]> => {
      job.throwIfStopped();
      if (!syncSource) return job.race(pullBatch(max, []));
      const batch: unknown[] = [];
      while (batch.length < max && !sourceDone) {
        const step = (iterator as Iterator<unknown>).next();
        if (step.done) sourceDone = true;
        else batch.push(step.value);
      }
      return Promise.resolve(batch);
    };
    const progress = (done: number) => options.onProgress?.(done, Number.NaN);
    try {
      let first: unknown[] = [];
      let firstResults: unknown[] = [];
      if (options.plan !== undefined) {
        planned = {
          plan: completePlan(options.plan, this.#maxWorkers, STREAM_PLAN_ITEMS),
          profile: undefined,
          itemMeanMs: Number.NaN,
          done: 0,
        };
      } else {
        first = await pull(
          Math.min(positiveInteger(options.maxSampleItems, 'options.maxSampleItems', 16), maxInFlight),
        );
        firstResults = new Array(first.length);
        planned = await this.#planJob(
          job,
          resolved,
          first,
          firstResults,
          { ...options, plan: undefined },
          STREAM_PLAN_ITEMS,
        );
        // The sample is the first items; finish any the dry run left.
        if (planned.done < first.length) {
          const { fn } = await this.#load(resolved);
          for (let index = planned.done; index < first.length; index++) {
            firstResults[index] = await callItem(job, fn, first[index], index);
          }
        }
      }
      const { plan } = planned;
      admission = await this.#admit(job, taskType, plan.mode === 'threads' ? plan.workers : 1);
      for (const value of firstResults) {
        yield value;
        progress(++yielded);
      }
      let index = first.length;
      if (plan.mode === 'threads' && resolved.href !== undefined) {
        const workers = Math.max(1, Math.min(plan.workers, admission.workers));
        this.#setJobWorkers(job, workers);
        const chunkSize = Math.max(1, Math.min(plan.chunkSize, Math.floor(maxInFlight / (2 * workers))));
        for (;;) {
          while (!sourceDone && pending.length < 2 * workers && pendingItems + chunkSize <= maxInFlight) {
            const waitMs = this.#recheck(job, admission, taskType);
            if (waitMs > 0 && pending.length > 0) break;
            if (waitMs > 0) await job.sleep(waitMs);
            const batch = await pull(chunkSize);
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
            progress(++yielded);
          }
        }
      } else {
        const fn = plan.mode === 'threads' ? undefined : (await this.#load(resolved)).fn;
        const concurrency = plan.mode === 'async' ? Math.min(plan.maxInFlight, maxInFlight) : 1;
        const inFlight: Promise<unknown>[] = [];
        for (;;) {
          while (!sourceDone && inFlight.length < concurrency) {
            const [item] = await pull(1);
            if (sourceDone && item === undefined) break;
            const call = callItem(job, fn as TaskFunction, item, index++);
            call.catch(() => {});
            inFlight.push(call);
          }
          const head = inFlight.shift();
          if (head === undefined) break;
          yield await head;
          progress(++yielded);
        }
      }
      ok = true;
    } catch (error) {
      throw job.error ?? error;
    } finally {
      if (!ok && !job.isStopped) job.stop(new AbortError('the stream was closed before it finished'));
      admission?.release();
      this.#endJob(job, ok);
      if (!sourceDone) await Promise.resolve(iterator.return?.()).catch(() => {});
      if (planned !== undefined) {
        this.#record('executor.stream', planned, job, yielded, performance.now() - startedMs, ok, options);
      }
    }
  }

  // ---------------------------------------------------------------- records and metrics

  #record(
    name: string,
    planned: Planned,
    job: Job,
    itemCount: number,
    wallTimeMs: number,
    ok: boolean,
    options: MapOptions | StreamOptions,
  ): void {
    const profile = planned.profile === undefined ? undefined : { ...planned.profile, itemCount };
    this.#observe(name, wallTimeMs, ok, { mode: planned.plan.mode, taskType: options.taskType ?? 'generic' });
    if (profile === undefined || (this.#advisor === undefined && options.onRecord === undefined)) return;
    const record: ExecutionRecord = {
      machine: this.#machineFingerprint(),
      profile,
      snapshot: this.#snapshot(),
      plan: planned.plan,
      wallTimeMs,
      measuredSpeedup: measuredSpeedup(planned, job, itemCount, wallTimeMs),
      finishedAtMs: Date.now(),
      ok,
    };
    try {
      this.#advisor?.record(record);
    } catch {
      // The advisor learning nothing from this job must not fail it.
    }
    options.onRecord?.(record);
  }

  #observe(name: string, durationMs: number, ok: boolean, labels: Record<string, string>): void {
    try {
      this.#metrics?.observe({ name, durationMs, ok, labels });
    } catch {
      // A broken metrics sink must not fail the work it measures.
    }
  }

  #machineFingerprint(): string {
    this.#machine ??= machineFingerprint({
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cores: this.#cores(),
      memoryLimitBytes: this.#snapshot()?.memoryLimitBytes ?? totalmem(),
      nodeMajor: Number(process.versions.node.split('.')[0]),
    });
    return this.#machine;
  }
}

/** Creates an executor; its worker pool starts on the first job that needs threads. */
export function createExecutor(options: ExecutorOptions = {}): Executor {
  return new ToolboxExecutor(options);
}
