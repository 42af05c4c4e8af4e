import { type Cache, hashKey, memoize } from '@toolbox/cache';
import {
  InvalidInputError,
  isTaskType,
  type MetricsSink,
  type ResourceGovernor,
  type TaskType,
} from '@toolbox/contracts';
import { admit } from './admit.js';

export interface OptimizeOptions<A extends unknown[]> {
  /** Resource profile of the operation; default `'generic'`. Heavy types count against the governor's cap. */
  taskType?: TaskType;
  /** Memoise the result by `hashKey(args)` in the toolbox's cache; default false. */
  cache?: boolean;
  /** Arguments passed to `fn`. */
  args?: A;
  /** Time to live of a cached result, milliseconds; default the cache's. */
  ttlMs?: number;
  /** Longest wait for the governor's admission, milliseconds; default 60 000. */
  admissionTimeoutMs?: number;
  signal?: AbortSignal;
}

/** What happened to one call of `optimizeOperation`. */
export interface OperationReport {
  name: string;
  taskType: TaskType;
  /** Answered from the cache (or joined an identical call already running) without running `fn`. */
  cached: boolean;
  /** The governor made the operation wait (or granted fewer workers) before it ran. */
  throttled: boolean;
  /** Time spent waiting for admission, milliseconds. */
  waitedMs: number;
  /** Wall time of the call, including any wait, milliseconds. */
  durationMs: number;
}

export interface OptimizeResult<R> {
  value: R;
  report: OperationReport;
}

export interface OperationCounters {
  tasksOptimized: number;
  tasksThrottled: number;
  cacheHits: number;
  cacheMisses: number;
}

/** Per call: what it asks for, and what happened to it. Passed through the memoised invoker, outside its key. */
interface CallContext {
  taskType: TaskType;
  admissionTimeoutMs: number;
  signal: AbortSignal | undefined;
  executed: boolean;
  throttled: boolean;
  waitedMs: number;
}

type Invoker = (
  fn: (...args: unknown[]) => unknown,
  args: unknown[],
  context: CallContext,
) => Promise<unknown>;

export interface OperationRunnerDependencies {
  governor: ResourceGovernor;
  metrics: MetricsSink;
  cache: Cache | undefined;
}

/**
 * Runs operations under the governor, with optional memoisation and metrics (seed
 * 000's `optimize_operation`). Admission is asked only when `fn` really runs: a cache
 * hit costs no admission.
 */
export function createOperationRunner({ governor, metrics, cache }: OperationRunnerDependencies) {
  const counters: OperationCounters = { tasksOptimized: 0, tasksThrottled: 0, cacheHits: 0, cacheMisses: 0 };
  const memoized = new Map<string, Invoker>();

  const runAdmitted: Invoker = async (fn, args, context) => {
    context.executed = true;
    const admitted = await admit(
      governor,
      { taskType: context.taskType },
      {
        timeoutMs: context.admissionTimeoutMs,
        signal: context.signal,
        onThrottle: () => {
          context.throttled = true;
        },
      },
    );
    context.waitedMs = admitted.waitedMs;
    try {
      return await fn(...args);
    } finally {
      admitted.release();
    }
  };

  function invokerFor(name: string, ttlMs: number | undefined): Invoker {
    if (cache === undefined) {
      throw new InvalidInputError(`options.cache is true but this toolbox was created with cache: false`, {
        details: { argument: 'options.cache' },
      });
    }
    const id = `${name}\u0000${ttlMs ?? ''}`;
    let invoker = memoized.get(id);
    if (invoker === undefined) {
      invoker = memoize(runAdmitted, {
        cache,
        name: `op:${name}`,
        key: (_fn, args) => hashKey(args),
        ttlMs,
        async: true,
      });
      memoized.set(id, invoker);
    }
    return invoker;
  }

  async function optimizeOperation<A extends unknown[], R>(
    name: string,
    fn: (...args: A) => R | Promise<R>,
    options: OptimizeOptions<A> = {},
  ): Promise<OptimizeResult<Awaited<R>>> {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidInputError(`name must be a non-empty string, got ${String(name)}`, {
        details: { argument: 'name' },
      });
    }
    if (typeof fn !== 'function') {
      throw new InvalidInputError(`fn must be a function, got ${typeof fn}`, { details: { argument: 'fn' } });
    }
    const taskType = options.taskType ?? 'generic';
    if (!isTaskType(taskType)) {
      throw new InvalidInputError(`options.taskType ${JSON.stringify(taskType)} is not a task type`, {
        details: { argument: 'options.taskType', value: taskType },
      });
    }
    const args = (options.args ?? []) as unknown[];
    if (!Array.isArray(args)) {
      throw new InvalidInputError('options.args must be an array', { details: { argument: 'options.args' } });
    }
    const started = performance.now();
    const context: CallContext = {
      taskType,
      admissionTimeoutMs: options.admissionTimeoutMs ?? 60_000,
      signal: options.signal,
      executed: false,
      throttled: false,
      waitedMs: 0,
    };
    const generic = fn as (...args: unknown[]) => unknown;
    let ok = false;
    try {
      const invoke = options.cache ? invokerFor(name, options.ttlMs) : runAdmitted;
      const value = (await invoke(generic, args, context)) as Awaited<R>;
      ok = true;
      const report: OperationReport = {
        name,
        taskType,
        cached: options.cache === true && !context.executed,
        throttled: context.throttled,
        waitedMs: context.waitedMs,
        durationMs: performance.now() - started,
      };
      return { value, report };
    } finally {
      counters.tasksOptimized++;
      if (context.throttled) counters.tasksThrottled++;
      if (options.cache === true && ok) {
        if (context.executed) counters.cacheMisses++;
        else counters.cacheHits++;
      }
      metrics.observe({
        name,
        durationMs: performance.now() - started,
        ok,
        labels: { taskType, cached: String(options.cache === true && !context.executed) },
      });
    }
  }

  return { optimizeOperation, counters: (): OperationCounters => ({ ...counters }) };
}
