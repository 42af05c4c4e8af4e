import { type ExecutionPlan, InvalidInputError } from '@toolbox/contracts';
import { type ExecutorApi, ExecutorCore } from './_executor-core.js';
import { PoolTransport } from './_pool-transport.js';
import type { ExecutorOptions, ExecutorStats, PlanOptions, Task } from './types.js';

/** Plans and runs work serially, on a warm piscina pool, or as concurrent promises. */
export interface Executor extends ExecutorApi<ExecutorStats> {
  /** Measures (or asks the advisor) and decides how `map(task, items)` should run; the measured items are reused by `map` given this plan. */
  plan<I>(task: Task<I>, items: readonly I[], options?: PlanOptions): Promise<ExecutionPlan>;
  /** Stops every job in flight (they reject with `AbortError`) and terminates the workers. */
  dispose(): Promise<void>;
}

/** Creates an executor; its worker pool starts on the first job that needs threads. */
export function createExecutor(options: ExecutorOptions = {}): Executor {
  if (options === null || typeof options !== 'object') {
    throw new InvalidInputError(`options must be an object, got ${String(options)}`, {
      details: { argument: 'options' },
    });
  }
  return new ExecutorCore<ExecutorStats>((host) => new PoolTransport(options, host), options);
}
