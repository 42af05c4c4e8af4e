import { type ExecutionPlan, InvalidInputError, isTaskType, TimeoutError } from '@toolbox/contracts';
import type { Sample } from './_in-process.js';
import type { JobSettings } from './_job.js';
import {
  durationMs,
  finiteNumber,
  nonNegativeInteger,
  optionalFunction,
  positiveInteger,
} from './_validate.js';
import type { MapOptions, PlanInput, PlanOptions, RunOptions } from './types.js';

/** Concurrent items in async mode unless the plan says otherwise. */
export const DEFAULT_ASYNC_CONCURRENCY = 16;

function isRetryableByDefault(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable === true || error instanceof TimeoutError;
}

export function once(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}

export function assertItems(items: unknown): void {
  if (!Array.isArray(items)) {
    throw new InvalidInputError(`items must be an array, got ${items === null ? 'null' : typeof items}`, {
      details: { argument: 'items' },
    });
  }
}

export function jobSettings(options: MapOptions | RunOptions | PlanOptions, name: string): JobSettings {
  if (options === null || typeof options !== 'object') {
    throw new InvalidInputError(`${name} must be an object, got ${String(options)}`, {
      details: { argument: name },
    });
  }
  const all = options as MapOptions;
  if (all.taskType !== undefined && !isTaskType(all.taskType)) {
    throw new InvalidInputError(`${name}.taskType must be a TaskType, got ${String(all.taskType)}`, {
      details: { argument: `${name}.taskType` },
    });
  }
  const retries = nonNegativeInteger(all.retries, `${name}.retries`, 0);
  const transfer = all.transfer === true;
  if (transfer && retries > 0) {
    throw new InvalidInputError(
      `${name}.retries must be 0 with ${name}.transfer: transferred items are gone from this thread and cannot be sent again`,
      { details: { argument: `${name}.retries` } },
    );
  }
  const signal = all.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidInputError(`${name}.signal must be an AbortSignal`, {
      details: { argument: `${name}.signal` },
    });
  }
  optionalFunction(all.onRecord, `${name}.onRecord`);
  return {
    signal,
    timeoutMs: durationMs(all.timeoutMs, `${name}.timeoutMs`),
    itemTimeoutMs: durationMs(all.itemTimeoutMs, `${name}.itemTimeoutMs`),
    retries,
    retryDelayMs: durationMs(all.retryDelayMs, `${name}.retryDelayMs`, true) ?? 50,
    isRetryable: optionalFunction(all.isRetryable, `${name}.isRetryable`) ?? isRetryableByDefault,
    priority: finiteNumber(all.priority, `${name}.priority`, 0),
    transfer,
  };
}

/** Fills in a caller's plan; `source` defaults to `'user'`. */
export function completePlan(input: PlanInput, maxWorkers: number, itemCount: number): ExecutionPlan {
  if (input === null || typeof input !== 'object' || !['serial', 'threads', 'async'].includes(input.mode)) {
    throw new InvalidInputError(
      `options.plan.mode must be 'serial', 'threads' or 'async', got ${String((input as PlanInput | null)?.mode)}`,
      { details: { argument: 'options.plan.mode' } },
    );
  }
  const threads = input.mode === 'threads';
  const workers = threads ? positiveInteger(input.workers, 'options.plan.workers', maxWorkers) : 1;
  const chunkSize = positiveInteger(
    input.chunkSize,
    'options.plan.chunkSize',
    threads ? Math.max(1, Math.ceil(itemCount / (4 * workers))) : 1,
  );
  const maxInFlight = positiveInteger(
    input.maxInFlight,
    'options.plan.maxInFlight',
    input.mode === 'async' ? DEFAULT_ASYNC_CONCURRENCY : workers,
  );
  return {
    mode: input.mode,
    workers,
    chunkSize,
    maxInFlight,
    estimatedSpeedup: input.estimatedSpeedup ?? Number.NaN,
    confidence: input.confidence ?? 1,
    source: input.source ?? 'user',
    reason: input.reason ?? `${input.mode}: given by the caller`,
    warnings: input.warnings ?? [],
  };
}

export function dryRunConfidence(sample: Sample): number {
  const fromCount = Math.min(1, sample.count / 16);
  const fromSpread = 1 / (1 + sample.cv);
  return Math.round((0.3 + 0.4 * fromCount + 0.3 * fromSpread) * 100) / 100;
}
