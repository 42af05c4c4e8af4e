import { AbortError } from '@toolbox/contracts';
import { Piscina } from 'piscina';
import {
  CHUNKS_PER_WORKER,
  type ChunkOutcome,
  type ChunkTransport,
  type JobCounters,
  measuredInputs,
  type PlanRequest,
  type TransportHost,
} from './_chunk-transport.js';
import { type CostInputs, choosePlan, type Decided } from './_cost-model.js';
import { itemTimedOut } from './_in-process.js';
import { watchItems } from './_item-watchdog.js';
import type { Job } from './_job.js';
import { type ChunkRequest, type ChunkResponse, deserializeError } from './_protocol.js';
import { median } from './_statistics.js';
import type { ResolvedTask } from './_task.js';
import { collectTransferables } from './_transfer.js';
import { durationMs, positiveInteger } from './_validate.js';
import { workerFile } from './_worker-file.js';
import type { ExecutorOptions, ExecutorStats } from './types.js';

/** Estimates used until the pool has been measured, from this machine (issue: piscina ~30 ms start, ~30 µs per task). */
const DEFAULT_POOL_START_MS = 30;
const DEFAULT_CHUNK_OVERHEAD_MS = 0.03;
const DEFAULT_ROUND_TRIP_MS = 0.1;

interface Calibration {
  poolStartMs: number;
  chunkOverheadMs: number;
  roundTripMs: number;
}

/** Chunks on a warm piscina pool of worker threads in this process, started on first use. */
export class PoolTransport implements ChunkTransport<ExecutorStats> {
  readonly factoryName = 'createExecutor';
  readonly labels = {};
  readonly capacity: number;
  readonly #maxWorkers: number;
  readonly #idleTimeoutMs: number;
  readonly #workerMemoryLimitMb: number | undefined;
  readonly #host: TransportHost;
  readonly #warmModules = new Set<string>();
  #pool: Piscina | undefined;
  #calibration: Calibration | undefined;
  #calibrating: Promise<Calibration> | undefined;
  #disposed = false;
  #chunks = 0;
  #workerFailures = 0;

  constructor(options: ExecutorOptions, host: TransportHost) {
    this.#host = host;
    this.#maxWorkers = positiveInteger(options.maxWorkers, 'options.maxWorkers', host.cores());
    this.#idleTimeoutMs = durationMs(options.idleTimeoutMs, 'options.idleTimeoutMs', true) ?? 60_000;
    this.#workerMemoryLimitMb =
      options.workerMemoryLimitMb === undefined
        ? undefined
        : positiveInteger(options.workerMemoryLimitMb, 'options.workerMemoryLimitMb', 0);
    this.capacity = CHUNKS_PER_WORKER * this.#maxWorkers;
  }

  defaultWorkers(): number {
    return this.#maxWorkers;
  }

  /** Doubled (one chunk queued behind each running one) when the job has the whole pool, as then it cannot spread wider. */
  chunksInFlight(workers: number): number {
    return workers >= this.#maxWorkers ? CHUNKS_PER_WORKER * workers : workers;
  }

  async decide(request: PlanRequest): Promise<Decided> {
    let decided = choosePlan(this.#costInputs(request));
    if (decided.mode === 'threads' && this.#calibration === undefined) {
      // Measure pool start-up and round trips once, then decide with real numbers.
      await request.job.race(this.#calibrate());
      decided = choosePlan(this.#costInputs(request));
    }
    const { sample, resolved } = request;
    if (sample.cloneError !== undefined && resolved.href !== undefined) {
      decided.warnings.push(`items or results cannot be copied to workers (${sample.cloneError})`);
    }
    return decided;
  }

  #costInputs(request: PlanRequest): CostInputs {
    const { resolved, snapshot } = request;
    const calibration = this.#calibration;
    const warm = resolved.href !== undefined && this.#warmModules.has(resolved.href);
    const inputs: CostInputs = {
      ...measuredInputs(request),
      cores: snapshot?.usableCores ?? this.#host.availableCores,
      maxWorkers: this.#maxWorkers,
      warmWorkers: this.#pool?.threads.length ?? 0,
      poolStartMs: calibration?.poolStartMs ?? DEFAULT_POOL_START_MS,
      moduleLoadMs: warm ? 0 : Math.max(0.5, request.moduleLoadMs ?? 0),
      chunkOverheadMs: calibration?.chunkOverheadMs ?? DEFAULT_CHUNK_OVERHEAD_MS,
      roundTripMs: calibration?.roundTripMs ?? DEFAULT_ROUND_TRIP_MS,
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
      this.#calibration = { poolStartMs, chunkOverheadMs, roundTripMs: median(tripsMs) };
      return this.#calibration;
    })();
    this.#calibrating.catch(() => {
      this.#calibrating = undefined;
    });
    return this.#calibrating;
  }

  /** Sends one chunk to the pool; resolves with the worker's answer or the crash. */
  async send(job: Job, resolved: ResolvedTask, items: unknown[], offset: number): Promise<ChunkOutcome> {
    const controller = new AbortController();
    const onStop = () => controller.abort(job.error);
    job.signal.addEventListener('abort', onStop, { once: true });
    const progress = new Float64Array(new SharedArrayBuffer(16));
    const limitMs = job.settings.itemTimeoutMs;
    let timedOutAt: number | undefined;
    const stopWatching = watchItems(progress, limitMs, (finished) => {
      timedOutAt = offset + finished;
      controller.abort();
    });
    try {
      const pool = this.#ensurePool();
      const request: ChunkRequest = {
        module: resolved.href as string,
        export: resolved.exportName,
        items,
        progress,
        transfer: job.settings.transfer,
      };
      const transferList = job.settings.transfer ? collectTransferables(items) : undefined;
      this.#chunks++;
      const response = (await pool.run(request, {
        signal: controller.signal,
        transferList,
      })) as ChunkResponse;
      this.#warmModules.add(request.module);
      if (!('failedAt' in response)) return response;
      return { ...response, failedAt: offset + response.failedAt, error: deserializeError(response.error) };
    } catch (error) {
      if (job.isStopped) throw job.error;
      this.#workerFailures++;
      if (timedOutAt !== undefined) {
        return { results: [], failedAt: timedOutAt, error: itemTimedOut(timedOutAt, limitMs as number) };
      }
      // A chunk that was only queued on the dead worker is innocent: send it again.
      if ((progress[1] as number) === 0) return { resend: true };
      const at = offset + (progress[0] as number);
      const crash = new Error(`the worker running item ${at} died: ${(error as Error).message}`, {
        cause: error,
      });
      (crash as Error & { retryable: boolean }).retryable = true;
      return { results: [], failedAt: at, error: crash };
    } finally {
      stopWatching();
      job.signal.removeEventListener('abort', onStop);
    }
  }

  #ensurePool(): Piscina {
    if (this.#disposed) throw new AbortError('the executor is disposed');
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
        this.#workerFailures++;
      });
    }
    return this.#pool;
  }

  stats(counters: Readonly<JobCounters>): ExecutorStats {
    const calibration = this.#calibration;
    return {
      jobs: counters.jobs,
      failedJobs: counters.failedJobs,
      chunks: this.#chunks,
      retries: counters.retries,
      workerFailures: this.#workerFailures,
      governorWaits: counters.governorWaits,
      governorReductions: counters.governorReductions,
      poolStartMs: calibration?.poolStartMs,
      chunkRoundTripMs: calibration?.roundTripMs,
      chunkOverheadMs: calibration?.chunkOverheadMs,
    };
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }
}
