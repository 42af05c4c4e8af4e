import type { SystemSnapshot, TaskType } from '@toolbox/contracts';
import type { CostInputs, Decided } from './_cost-model.js';
import type { Sample } from './_in-process.js';
import type { Job } from './_job.js';
import { DEFAULT_ASYNC_CONCURRENCY } from './_options.js';
import type { ResolvedTask } from './_task.js';

/** Chunks out per worker (thread or queue slot) when a job has them all: the second hides the round trip of the first. */
export const CHUNKS_PER_WORKER = 2;

/** What one attempt at a chunk came back with; `failedAt` is the failing item's index in the job. */
export type ChunkOutcome =
  | { results: unknown[]; computeMs?: number }
  | { results: unknown[]; computeMs?: number; failedAt: number; error: Error }
  /** The chunk never started (it was queued on a worker that died running another): send it again. */
  | { resend: true };

/** Counters the shared job logic keeps; each backend's `stats()` includes them. */
export interface JobCounters {
  jobs: number;
  failedJobs: number;
  retries: number;
  governorWaits: number;
  governorReductions: number;
}

/** What a backend may use of the executor that owns it. */
export interface TransportHost {
  /** Stops every job in flight with `error`. */
  stopJobs(error: Error): void;
  /** Usable cores: the governor's snapshot, else `os.availableParallelism()`. */
  cores(): number;
  /** `os.availableParallelism()`, read once. */
  readonly availableCores: number;
}

/** A dry run's measurements, for the backend to decide serial, async or module chunks on its workers. */
export interface PlanRequest {
  job: Job;
  resolved: ResolvedTask;
  sample: Sample;
  itemCount: number;
  taskType: TaskType;
  snapshot: SystemSnapshot | undefined;
  /** Import time of the task module on the calling thread, milliseconds, once measured. */
  moduleLoadMs: number | undefined;
}

/**
 * Where the chunks of a module task run (a piscina pool, a BullMQ queue) and what that
 * costs; validation, planning, retries, streams, records and metrics are shared.
 */
export interface ChunkTransport<S> {
  /** The factory named when a disposed executor is used. */
  readonly factoryName: string;
  /** Added to every metrics event. */
  readonly labels: Readonly<Record<string, string>>;
  /** Chunks of all jobs out at once, at most; beyond it the highest priority goes first. */
  readonly capacity: number;
  /** Workers a caller's threads plan gets when it names none. */
  defaultWorkers(job: Job): number | Promise<number>;
  /** Chunks one job keeps out at once on `workers` workers. */
  chunksInFlight(workers: number): number;
  /** The plan for the items the dry run left, from its measurements and this backend's costs. */
  decide(request: PlanRequest): Promise<Decided>;
  /** Runs `items` (job indexes from `offset`) once on a worker. */
  send(job: Job, resolved: ResolvedTask, items: unknown[], offset: number): Promise<ChunkOutcome>;
  stats(counters: Readonly<JobCounters>): S;
  /** Releases what the backend holds (workers, connections); jobs are already stopped. */
  dispose(): Promise<void>;
}

/** Cost inputs measured by the dry run; the backend adds its workers and dispatch costs. */
export function measuredInputs(
  request: PlanRequest,
): Omit<
  CostInputs,
  'cores' | 'maxWorkers' | 'warmWorkers' | 'poolStartMs' | 'moduleLoadMs' | 'chunkOverheadMs' | 'roundTripMs'
> {
  const { sample, resolved } = request;
  return {
    itemCount: Math.max(0, request.itemCount - sample.count),
    doneCount: sample.count,
    doneMs: sample.elapsedMs,
    itemMs: sample.meanMs,
    itemCv: sample.cv,
    cpuRatio: sample.cpuRatio,
    cloneInMs: sample.cloneInMs,
    cloneOutMs: sample.cloneOutMs,
    inputBytesPerItem: sample.inputBytes,
    outputBytesPerItem: sample.outputBytes,
    taskType: request.taskType,
    threadsAllowed: resolved.href !== undefined && sample.cloneError === undefined,
    asyncConcurrency: DEFAULT_ASYNC_CONCURRENCY,
  };
}
