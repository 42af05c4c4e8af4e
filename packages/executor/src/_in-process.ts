import { TaskFailedError, TimeoutError } from '@toolbox/contracts';
import { estimateBytes } from './_estimate-bytes.js';
import type { Job } from './_job.js';
import { coefficientOfVariation, mean, median } from './_statistics.js';
import type { TaskFunction } from './types.js';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

export function itemFailed(index: number, cause: unknown): TaskFailedError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new TaskFailedError(`item ${index} failed: ${message}`, { index, cause });
}

export function itemTimedOut(index: number, itemTimeoutMs: number): TimeoutError {
  return new TimeoutError(`item ${index} did not finish within options.itemTimeoutMs = ${itemTimeoutMs} ms`, {
    details: { index, itemTimeoutMs },
  });
}

/** Awaits an item's promise under the job's stop switch and the per-item time limit. */
function settleItem(job: Job, pending: PromiseLike<unknown>, index: number): Promise<unknown> {
  const limitMs = job.settings.itemTimeoutMs;
  const promise = Promise.resolve(pending);
  if (limitMs === undefined) return job.race(promise);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(itemTimedOut(index, limitMs)), limitMs);
  });
  promise.catch(() => {});
  return job.race(Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

/**
 * Runs one item on the calling thread, retrying as the job allows; rejects with
 * `TaskFailedError` (or the job's stop error).
 */
export async function callItem(job: Job, fn: TaskFunction, item: unknown, index: number): Promise<unknown> {
  for (;;) {
    job.throwIfStopped();
    const startedMs = performance.now();
    try {
      let value = fn(item);
      if (isThenable(value)) value = await settleItem(job, value, index);
      const limitMs = job.settings.itemTimeoutMs;
      if (limitMs !== undefined && performance.now() - startedMs > limitMs)
        throw itemTimedOut(index, limitMs);
      return value;
    } catch (error) {
      if (job.isStopped) throw job.error;
      const delayMs = job.retryDelay(index, error);
      if (delayMs === undefined) throw error instanceof TimeoutError ? error : itemFailed(index, error);
      await job.sleep(delayMs);
    }
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs items `[from, items.length)` serially into `out`, yielding to the event loop once
 * 10 ms have passed (so that aborts and timeouts are noticed) and reporting progress there.
 * The clock is read every `stride` items only: on trivial items a clock read per item
 * would cost more than the work.
 */
export async function runSerial(
  job: Job,
  fn: TaskFunction,
  items: readonly unknown[],
  out: unknown[],
  from: number,
  itemMs: number,
  onProgress: ((done: number) => void) | undefined,
): Promise<void> {
  const n = items.length;
  // Items between clock reads: about 1 ms of work, re-estimated from each block.
  const strideFor = (perItemMs: number) =>
    Math.max(1, Math.min(1024, Math.floor(1 / Math.max(perItemMs, 1e-6))));
  let stride = Number.isFinite(itemMs) ? strideFor(itemMs) : 1;
  const checked = job.settings.itemTimeoutMs !== undefined || job.settings.retries > 0;
  let yieldedAtMs = performance.now();
  let blockStartMs = yieldedAtMs;
  let index = from;
  while (index < n) {
    const blockStart = index;
    const limit = Math.min(n, index + stride);
    if (checked) {
      for (; index < limit; index++) out[index] = await callItem(job, fn, items[index], index);
    } else {
      try {
        for (; index < limit; index++) {
          const value = fn(items[index]);
          out[index] = isThenable(value) ? await settleItem(job, value, index) : value;
        }
      } catch (error) {
        if (job.isStopped) throw job.error;
        throw itemFailed(index, error);
      }
    }
    const nowMs = performance.now();
    stride = strideFor((nowMs - blockStartMs) / (index - blockStart));
    blockStartMs = nowMs;
    if (index < n && nowMs - yieldedAtMs >= 10) {
      onProgress?.(index);
      await yieldToEventLoop();
      job.throwIfStopped();
      yieldedAtMs = performance.now();
      blockStartMs = yieldedAtMs;
    }
  }
}

/** Runs items `[from, items.length)` as concurrent promises on the calling thread, `concurrency` at a time. */
export function runAsync(
  job: Job,
  fn: TaskFunction,
  items: readonly unknown[],
  out: unknown[],
  from: number,
  concurrency: number,
  onProgress: ((done: number) => void) | undefined,
): Promise<void> {
  const n = items.length;
  let next = from;
  let done = from;
  return job.race(
    new Promise<void>((resolve, reject) => {
      if (next >= n) {
        resolve();
        return;
      }
      const launch = () => {
        const index = next++;
        callItem(job, fn, items[index], index)
          .then((value) => {
            out[index] = value;
            done++;
            onProgress?.(done);
            if (done === n) resolve();
            else if (next < n && !job.isStopped) launch();
          })
          // Also catches a throwing onProgress: it fails the job instead of going unhandled.
          .catch((error: unknown) => {
            job.stop(error as Error);
            reject(error);
          });
      };
      for (let k = 0; k < concurrency && next < n; k++) launch();
    }),
  );
}

/** Items faster than this (milliseconds) are timed in blocks: a clock read would cost as much as the item. */
const FAST_ITEM_MS = 0.02;
/** Blocks, and items per block at most, of the block-timed phase. */
const BLOCKS = 4;
const BLOCK_ITEMS = 16;

const identity = (item: unknown) => item;
/** Items whose cloning is timed, at most. */
const CLONE_PROBE_ITEMS = 32;

/**
 * Runs `count` items from `from` through `fn` into `out[index - shift]` and returns the
 * block's time, milliseconds.
 */
async function timeBlock(
  job: Job,
  fn: TaskFunction,
  items: readonly unknown[],
  from: number,
  count: number,
  out: unknown[],
  shift: number,
  recover: (index: number, error: unknown) => Promise<unknown>,
): Promise<number> {
  const startedMs = performance.now();
  for (let index = from; index < from + count; index++) {
    try {
      const value = fn(items[index]);
      out[index - shift] = isThenable(value) ? await settleItem(job, value, index) : value;
    } catch (error) {
      out[index - shift] = await recover(index, error);
    }
  }
  return performance.now() - startedMs;
}

/** What the dry run measured on the calling thread; times in milliseconds, sizes in bytes, per item. */
export interface Sample {
  count: number;
  elapsedMs: number;
  meanMs: number;
  medianMs: number;
  cv: number;
  cpuRatio: number;
  cloneInMs: number;
  cloneOutMs: number;
  inputBytes: number;
  outputBytes: number;
  /** Why items cannot go to workers, when they cannot be cloned. */
  cloneError: string | undefined;
}

export interface SampleOptions {
  /** Items of the whole job (for the time budget). */
  totalItems: number;
  minCount: number;
  maxCount: number;
  /** The dry run stops once it has used this share of the estimated serial time. */
  budgetShare: number;
  /** ...or this much time, milliseconds. */
  budgetMs: number;
  /** Cost of copying one byte of a typed array to another thread, milliseconds (measured once per executor). */
  copyMsPerByte: () => number;
}

/** The typed array an item is or holds as a `DenseMatrix`'s `data`, if any. */
function typedView(value: unknown): ArrayBufferView | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (ArrayBuffer.isView(value)) return value;
  const data = (value as { data?: unknown }).data;
  return ArrayBuffer.isView(data) ? data : undefined;
}

/**
 * Bytes and cloning time per item of `values` (a probe of the first items, standing for
 * all). Typed arrays are not
 * serialized here (that would cost as much as sending them): their bytes are priced at the
 * executor's measured copy rate, or free when shared or transferred.
 */
function cloneCost(
  values: readonly unknown[],
  transfer: boolean,
  copyMsPerByte: () => number,
): { ms: number; bytes: number } {
  let typedBytes = 0;
  let copiedBytes = 0;
  const rest: unknown[] = [];
  for (const value of values) {
    const view = typedView(value);
    if (view === undefined) {
      rest.push(value);
      continue;
    }
    typedBytes += view.byteLength;
    if (!transfer && !(view.buffer instanceof SharedArrayBuffer)) copiedBytes += view.byteLength;
  }
  let ms = copiedBytes > 0 ? copiedBytes * copyMsPerByte() : 0;
  let bytes = typedBytes;
  if (rest.length > 0) {
    // structuredClone is what postMessage does (serialize here, deserialize there). Twice,
    // keeping the faster, unless once is already expensive: a first call or a preemption
    // would otherwise make a few small items look costly to send.
    let bestMs = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt === 0 || (attempt < 2 && bestMs < 0.5); attempt++) {
      const startedMs = performance.now();
      structuredClone(rest);
      bestMs = Math.min(bestMs, performance.now() - startedMs);
    }
    ms += bestMs;
    bytes += estimateBytes(rest);
  }
  return { ms: ms / Math.max(1, values.length), bytes: bytes / Math.max(1, values.length) };
}

/**
 * The dry run: runs the first items serially into `out` (they are not run again), timing
 * each, until enough are measured or the budget is used; then measures what cloning them
 * and their results costs.
 */
export async function sampleItems(
  job: Job,
  fn: TaskFunction,
  items: readonly unknown[],
  out: unknown[],
  options: SampleOptions,
): Promise<Sample> {
  // CPU time is only read for promise-returning tasks: a synchronous task is CPU-bound by construction.
  let cpuBefore: NodeJS.CpuUsage | undefined;
  let cpuStartedMs = 0;
  const recover = async (index: number, error: unknown): Promise<unknown> => {
    if (job.isStopped) throw job.error;
    const delayMs = job.retryDelay(index, error);
    if (delayMs === undefined) throw error instanceof TimeoutError ? error : itemFailed(index, error);
    await job.sleep(delayMs);
    return callItem(job, fn, items[index], index);
  };
  const runOne = async (index: number, itemStartMs: number): Promise<unknown> => {
    try {
      let value = fn(items[index]);
      if (isThenable(value)) {
        if (cpuBefore === undefined) {
          cpuBefore = process.cpuUsage();
          cpuStartedMs = itemStartMs;
        }
        value = await settleItem(job, value, index);
      }
      const limitMs = job.settings.itemTimeoutMs;
      if (limitMs !== undefined && performance.now() - itemStartMs > limitMs)
        throw itemTimedOut(index, limitMs);
      return value;
    } catch (error) {
      return recover(index, error);
    }
  };

  // Items one by one, each timed, until the budget is used or they prove too fast to time singly.
  const timesMs: number[] = [];
  const startedMs = performance.now();
  let elapsedMs = 0;
  let index = 0;
  let fast = false;
  const limit = Math.min(items.length, options.maxCount);
  while (index < limit) {
    const itemStartMs = performance.now();
    out[index] = await runOne(index, itemStartMs);
    const endMs = performance.now();
    timesMs.push(endMs - itemStartMs);
    elapsedMs = endMs - startedMs;
    index++;
    if (index < options.minCount) continue;
    // The first item pays for compiling the task: leave it out of the estimate. One fast
    // item is enough to switch to block timing (a pause can slow an item, never speed it up).
    const warmMs = timesMs.slice(1);
    if (Math.min(...warmMs) < FAST_ITEM_MS && cpuBefore === undefined) {
      fast = true;
      break;
    }
    const meanMs = mean(warmMs);
    if (elapsedMs >= Math.min(options.budgetMs, options.budgetShare * options.totalItems * meanMs)) break;
  }
  let meanMs = mean(timesMs.length > 2 ? timesMs.slice(1) : timesMs);
  let cv = coefficientOfVariation(timesMs.length > 2 ? timesMs.slice(1) : timesMs);
  if (fast) {
    // A clock read costs as much as such an item: time blocks of items instead, each beside
    // a block of the identity function run by the same loop, whose time (the loop's own
    // cost, large while the loop is still interpreted) is subtracted.
    const blockMeansMs: number[] = [];
    const blockSize = Math.max(1, Math.min(BLOCK_ITEMS, Math.floor((items.length - index) / BLOCKS)));
    const scratch: unknown[] = new Array(blockSize);
    const budgetMs = () =>
      Math.min(options.budgetMs, options.budgetShare * options.totalItems * Math.max(...blockMeansMs, 0));
    for (
      let block = 0;
      block < BLOCKS &&
      index + blockSize <= items.length &&
      (block < 2 || performance.now() - startedMs < budgetMs());
      block++
    ) {
      const loopMs = await timeBlock(job, identity, items, index, blockSize, scratch, index, recover);
      const blockMs = await timeBlock(job, fn, items, index, blockSize, out, 0, recover);
      blockMeansMs.push(Math.max(blockMs - loopMs, 0) / blockSize);
      index += blockSize;
    }
    if (blockMeansMs.length > 0) {
      // The median: one block hit by a pause (GC, preemption) must not make trivial work look heavy.
      // At least a nanosecond: a function call is never free.
      meanMs = Math.max(median(blockMeansMs), 1e-6);
      cv = coefficientOfVariation(blockMeansMs);
    }
    elapsedMs = performance.now() - startedMs;
  }
  const count = index;
  let cpuRatio = 1;
  if (cpuBefore !== undefined) {
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = Math.max(performance.now() - cpuStartedMs, 1e-3);
    cpuRatio = Math.min(1, (cpu.user + cpu.system) / 1000 / wallMs);
  }
  let cloneError: string | undefined;
  let input = { ms: 0, bytes: 0 };
  let output = { ms: 0, bytes: 0 };
  try {
    const probed = Math.min(count, CLONE_PROBE_ITEMS);
    input = cloneCost(items.slice(0, probed), job.settings.transfer, options.copyMsPerByte);
    output = cloneCost(out.slice(0, probed), job.settings.transfer, options.copyMsPerByte);
  } catch (error) {
    cloneError = error instanceof Error ? error.message : String(error);
  }
  return {
    count,
    elapsedMs,
    meanMs,
    medianMs: fast ? meanMs : count === 0 ? 0 : median(timesMs),
    cv,
    cpuRatio,
    cloneInMs: input.ms,
    cloneOutMs: output.ms,
    inputBytes: input.bytes,
    outputBytes: output.bytes,
    cloneError,
  };
}
