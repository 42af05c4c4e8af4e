import { availableParallelism } from 'node:os';
import {
  AbortError,
  type ExecutionPlan,
  InvalidInputError,
  type MetricsSink,
  type PlanAdvisor,
  type ResourceGovernor,
  type SystemSnapshot,
  type TaskType,
  TimeoutError,
} from '@toolbox/contracts';
import { ChunkSlots } from './_chunk-slots.js';
import {
  CHUNKS_PER_WORKER,
  type ChunkOutcome,
  type ChunkTransport,
  type JobCounters,
  type TransportHost,
} from './_chunk-transport.js';
import { type Admission, GovernorGate } from './_governor-gate.js';
import { callItem, itemFailed, runAsync, runSerial } from './_in-process.js';
import { Job, type JobSettings } from './_job.js';
import { JobPlanner } from './_job-planner.js';
import { JobRecords, type Planned } from './_job-records.js';
import { assertItems, jobSettings } from './_options.js';
import { type ResolvedTask, resolveTask } from './_task.js';
import { optionalFunction, positiveInteger } from './_validate.js';
import type { MapOptions, PlanOptions, RunOptions, StreamOptions, Task, TaskFunction } from './types.js';

/** Items a stream is planned for, its length being unknown. */
const STREAM_PLAN_ITEMS = 10_000;

export interface ExecutorCoreOptions {
  governor?: ResourceGovernor | undefined;
  advisor?: PlanAdvisor | undefined;
  metrics?: MetricsSink | undefined;
}

/** The executor API whatever the backend; `S` is what `stats()` returns. */
export interface ExecutorApi<S> extends AsyncDisposable {
  /** Decides how `map(task, items)` should run; the measured items are reused by `map` given this plan. */
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
  stats(): S;
  /** Stops every job in flight (they reject with `AbortError`) and releases the backend's workers or connections. */
  dispose(): Promise<void>;
}

/**
 * `plan`/`map`/`run`/`stream` with the executor's semantics (validation, dry-run planning,
 * governor, priorities, retries from the failing item, progress, abort and timeouts,
 * records and metrics), sending module chunks through a `ChunkTransport`.
 */
export class ExecutorCore<S> implements ExecutorApi<S> {
  readonly #transport: ChunkTransport<S>;
  readonly #governor: ResourceGovernor | undefined;
  readonly #records: JobRecords;
  readonly #planner: JobPlanner;
  readonly #gate: GovernorGate;
  readonly #slots: ChunkSlots;
  /** `os.availableParallelism()`, read once: it is a system call. */
  readonly #availableCores = availableParallelism();
  readonly #hrefs = new Map<string, string>();
  readonly #jobs = new Set<Job>();
  #disposed: Promise<void> | undefined;
  readonly #counters: JobCounters = {
    jobs: 0,
    failedJobs: 0,
    retries: 0,
    governorWaits: 0,
    governorReductions: 0,
  };

  constructor(createTransport: (host: TransportHost) => ChunkTransport<S>, options: ExecutorCoreOptions) {
    this.#governor = options.governor;
    const host: TransportHost = {
      stopJobs: (error) => this.#stopJobs(error),
      cores: () => this.#cores(),
      availableCores: this.#availableCores,
    };
    this.#transport = createTransport(host);
    this.#records = new JobRecords({
      metrics: options.metrics,
      advisor: options.advisor,
      labels: this.#transport.labels,
      snapshot: () => this.#snapshot(),
      cores: () => this.#cores(),
    });
    this.#gate = new GovernorGate(this.#governor, this.#counters, (...event) =>
      this.#records.observe(...event),
    );
    this.#slots = new ChunkSlots(this.#transport.capacity);
    this.#planner = new JobPlanner({
      transport: this.#transport,
      advisor: options.advisor,
      snapshot: () => this.#snapshot(),
      observe: (...event) => this.#records.observe(...event),
    });
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
      const planned = await this.#planner.plan(job, resolved, items, out, options, items.length);
      this.#planner.keep(planned, resolved, items, out);
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
      planned = await this.#planner.plan(job, resolved, items, out, options, items.length);
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
        this.#records.record(
          'executor.map',
          planned,
          job,
          items.length,
          performance.now() - startedMs,
          ok,
          options,
        );
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
        this.#slots.setCap(job, 1);
        value = (await this.#runChunk(job, resolved, [input], 0))[0];
      }
      ok = true;
      return value as O;
    } catch (error) {
      throw job.error ?? error;
    } finally {
      this.#endJob(job, ok);
      this.#records.observe('executor.run', performance.now() - startedMs, ok, {
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

  stats(): S {
    return this.#transport.stats({ ...this.#counters });
  }

  dispose(): Promise<void> {
    if (this.#disposed === undefined) {
      this.#stopJobs(new AbortError('the executor was disposed while the job was running'));
      this.#disposed = this.#transport.dispose();
    }
    return this.#disposed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  // ---------------------------------------------------------------- jobs

  #assertOpen(): void {
    if (this.#disposed !== undefined) {
      throw new AbortError(
        `the executor is disposed; create a new one with ${this.#transport.factoryName}()`,
      );
    }
  }

  #stopJobs(error: Error): void {
    for (const job of this.#jobs) job.stop(error);
  }

  #startJob(settings: JobSettings): Job {
    const job = new Job(settings);
    this.#jobs.add(job);
    this.#counters.jobs++;
    return job;
  }

  #endJob(job: Job, ok = true): void {
    if (!ok) this.#counters.failedJobs++;
    this.#counters.retries += job.retries;
    job.retries = 0;
    // Stops whatever is still running for this job (e.g. other chunks after a failure).
    if (!ok) job.stop(new AbortError('the job ended'));
    job.finish();
    this.#jobs.delete(job);
    this.#slots.forget(job);
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
    const admission = await this.#gate.admit(job, taskType, plan.mode === 'threads' ? plan.workers : 1);
    try {
      if (plan.mode === 'threads') {
        if (resolved.href === undefined) {
          throw new InvalidInputError('options.plan.mode "threads" needs a { module, export } task', {
            details: { argument: 'options.plan' },
          });
        }
        await this.#runChunks(job, resolved, items, out, done, plan, admission, taskType, onProgress);
        return;
      }
      const { fn } = await this.#planner.load(resolved);
      if (plan.mode === 'async') {
        await runAsync(job, fn, items, out, done, plan.maxInFlight, onProgress);
      } else {
        await runSerial(job, fn, items, out, done, planned.itemMeanMs, onProgress);
      }
    } finally {
      admission.release();
    }
  }

  /** Limits a job to `workers` workers: the backend says how many chunks that keeps out. */
  #setJobWorkers(job: Job, workers: number): void {
    this.#slots.setCap(job, this.#transport.chunksInFlight(Math.max(1, workers)));
  }

  /** Between chunks: asks the governor again; milliseconds to pause dispatching (0 to go on). */
  #recheck(job: Job, admission: Admission, taskType: TaskType): number {
    return this.#gate.recheck(admission, taskType, (workers) => this.#setJobWorkers(job, workers));
  }

  #runChunks(
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
            while (!job.isStopped && next < n && inFlight < this.#slots.cap(job)) {
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

  /** Runs one chunk on the backend's workers, retrying from the failing item as the job allows. */
  async #runChunk(
    job: Job,
    resolved: ResolvedTask,
    chunkItems: unknown[],
    offset: number,
  ): Promise<unknown[]> {
    const results: unknown[] = [];
    let from = 0;
    for (;;) {
      const outcome = await this.#send(
        job,
        resolved,
        from === 0 ? chunkItems : chunkItems.slice(from),
        offset + from,
      );
      if ('resend' in outcome) continue;
      job.workerComputeMs += outcome.computeMs ?? 0;
      for (const value of outcome.results) results.push(value);
      from += outcome.results.length;
      if (!('failedAt' in outcome)) return results;
      const { failedAt, error } = outcome;
      const delayMs = job.retryDelay(failedAt, error);
      if (delayMs === undefined) {
        throw error instanceof TimeoutError ? error : itemFailed(failedAt, error);
      }
      await job.sleep(delayMs);
    }
  }

  /** One attempt at a chunk, once the job has a slot. */
  async #send(job: Job, resolved: ResolvedTask, items: unknown[], offset: number): Promise<ChunkOutcome> {
    await this.#slots.acquire(job);
    try {
      return await this.#transport.send(job, resolved, items, offset);
    } finally {
      this.#slots.release(job);
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
          plan: await this.#planner.complete(job, options.plan, STREAM_PLAN_ITEMS),
          profile: undefined,
          itemMeanMs: Number.NaN,
          done: 0,
        };
      } else {
        first = await pull(
          Math.min(positiveInteger(options.maxSampleItems, 'options.maxSampleItems', 16), maxInFlight),
        );
        firstResults = new Array(first.length);
        planned = await this.#planner.plan(
          job,
          resolved,
          first,
          firstResults,
          { ...options, plan: undefined },
          STREAM_PLAN_ITEMS,
        );
        // The sample is the first items; finish any the dry run left.
        if (planned.done < first.length) {
          const { fn } = await this.#planner.load(resolved);
          for (let index = planned.done; index < first.length; index++) {
            firstResults[index] = await callItem(job, fn, first[index], index);
          }
        }
      }
      const { plan } = planned;
      admission = await this.#gate.admit(job, taskType, plan.mode === 'threads' ? plan.workers : 1);
      for (const value of firstResults) {
        yield value;
        progress(++yielded);
      }
      let index = first.length;
      if (plan.mode === 'threads' && resolved.href !== undefined) {
        const workers = Math.max(1, Math.min(plan.workers, admission.workers));
        this.#setJobWorkers(job, workers);
        const chunkSize = Math.max(
          1,
          Math.min(plan.chunkSize, Math.floor(maxInFlight / (CHUNKS_PER_WORKER * workers))),
        );
        for (;;) {
          while (
            !sourceDone &&
            pending.length < CHUNKS_PER_WORKER * workers &&
            pendingItems + chunkSize <= maxInFlight
          ) {
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
        const fn = plan.mode === 'threads' ? undefined : (await this.#planner.load(resolved)).fn;
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
        this.#records.record(
          'executor.stream',
          planned,
          job,
          yielded,
          performance.now() - startedMs,
          ok,
          options,
        );
      }
    }
  }
}
