import type {
  ExecutionPlan,
  ExecutionRecord,
  MetricsSink,
  PlanAdvisor,
  ResourceGovernor,
  TaskType,
} from '@toolbox/contracts';

/**
 * Work addressed by module, so that worker threads load real code: `export` names a
 * function `(item) => result` (sync or async) exported by `module` (a path or URL).
 */
export interface ModuleTask {
  module: string | URL;
  export: string;
}

/** An in-process function: runs serially or on the async path, never on workers. */
export type TaskFunction<I = unknown, O = unknown> = (item: I) => O | Promise<O>;

/** What `map`, `run`, `stream` and `plan` accept. */
export type Task<I = unknown, O = unknown> = ModuleTask | TaskFunction<I, O>;

export interface ExecutorOptions {
  /** Upper bound on worker threads; default the usable cores (governor snapshot, else `os.availableParallelism()`). */
  maxWorkers?: number;
  /** Asked before a job starts and between chunks; `wait` and `reduce` are obeyed and counted. */
  governor?: ResourceGovernor;
  /** Asked for a plan before measuring; told the outcome of every finished job. */
  advisor?: PlanAdvisor;
  /** Receives one event per job (`executor.map`, `executor.stream`, `executor.run`) and per plan. */
  metrics?: MetricsSink;
  /** How long an idle worker stays warm before it exits, milliseconds; default 60 000. */
  idleTimeoutMs?: number;
  /**
   * Heap limit of each worker, megabytes (V8's old generation); a worker that exceeds it
   * dies and is replaced, failing (or retrying) its chunk. Default: V8's own limit.
   */
  workerMemoryLimitMb?: number;
}

/** A plan given by the caller: `mode` is required, the rest is filled in. */
export type PlanInput = Pick<ExecutionPlan, 'mode'> & Partial<ExecutionPlan>;

export interface PlanOptions {
  /** Resource profile of the work; `'io'` selects the async mode. Default `'generic'`. */
  taskType?: TaskType;
  /** Move typed-array buffers to workers instead of copying them (they are detached in the caller). Default false. */
  transfer?: boolean;
  /** Items to measure at most in the dry run; default 16 (at least 3 are measured). */
  maxSampleItems?: number;
  signal?: AbortSignal;
}

export interface MapOptions extends PlanOptions {
  /** Skip planning: a plan from `plan()` (its measured results are reused) or the caller's own. */
  plan?: PlanInput;
  /** Whole-job time limit, milliseconds; rejects with `TimeoutError`. Default none. */
  timeoutMs?: number;
  /**
   * Per-item time limit, milliseconds; the item's worker is stopped and replaced and the job
   * rejects with `TimeoutError` naming the index. Synchronous code on the calling thread
   * (serial mode) cannot be interrupted: there the limit is checked when the item returns.
   */
  itemTimeoutMs?: number;
  /** Attempts after the first for a failing item whose error is retryable. Default 0. */
  retries?: number;
  /** First retry delay, milliseconds, doubled per attempt. Default 50. */
  retryDelayMs?: number;
  /** Which failures are retried; default: errors with `retryable: true`, worker crashes and item timeouts. */
  isRetryable?: (error: unknown) => boolean;
  /** Higher runs first when the pool is saturated. Default 0. */
  priority?: number;
  /** Called with (finished items, total items) as chunks finish. */
  onProgress?: (done: number, total: number) => void;
  /** Called once with the record of the finished job (the advisor gets the same record). */
  onRecord?: (record: ExecutionRecord) => void;
}

export interface StreamOptions extends Omit<MapOptions, 'onProgress'> {
  /** Items read from the source and not yet consumed, at most; default 1024. */
  maxInFlight?: number;
  /** Called with the count of results yielded so far (total is unknown: `NaN`). */
  onProgress?: (done: number, total: number) => void;
}

export interface RunOptions
  extends Pick<
    MapOptions,
    'signal' | 'timeoutMs' | 'retries' | 'retryDelayMs' | 'isRetryable' | 'priority' | 'taskType' | 'transfer'
  > {}

/** Counters over the executor's lifetime. */
export interface ExecutorStats {
  jobs: number;
  failedJobs: number;
  chunks: number;
  retries: number;
  /** Workers lost to a crash, `process.exit`, out-of-memory or a timeout. */
  workerFailures: number;
  governorWaits: number;
  governorReductions: number;
  /** Once measured, milliseconds: pool start-up, an empty chunk's round trip to an idle worker, and the cost of one more pipelined chunk. */
  poolStartMs: number | undefined;
  chunkRoundTripMs: number | undefined;
  chunkOverheadMs: number | undefined;
}
