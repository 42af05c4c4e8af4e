import type { ExecutionPlan, TaskType } from '@toolbox/contracts';
import { formatBytes, formatMs } from './_format.js';

/** Everything the cost model knows about a job and the machine, times in milliseconds. */
export interface CostInputs {
  /** Items still to run (after the dry run). */
  itemCount: number;
  /** Items already finished by the dry run, and the time that took. */
  doneCount: number;
  doneMs: number;
  /** Mean wall time per item, and its coefficient of variation. */
  itemMs: number;
  itemCv: number;
  /** CPU time / wall time of an item: ~1 CPU-bound, ~0 IO-bound. */
  cpuRatio: number;
  /** Structured-clone cost per item on the calling thread: input out, result back. */
  cloneInMs: number;
  cloneOutMs: number;
  inputBytesPerItem: number;
  outputBytesPerItem: number;
  taskType: TaskType;
  /** Whether workers can run it (a module task); in-process functions cannot. */
  threadsAllowed: boolean;
  cores: number;
  maxWorkers: number;
  /** Workers already running and holding the module; starting more costs `poolStartMs`. */
  warmWorkers: number;
  poolStartMs: number;
  /** Import time of the task module, paid once on fresh workers. */
  moduleLoadMs: number;
  /** Cost of one more chunk to a warm worker when chunks are pipelined (two queued per worker). */
  chunkOverheadMs: number;
  /** Latency of one chunk's round trip to an idle worker: paid once, or per chunk without pipelining. */
  roundTripMs: number;
  /** Concurrent items in async mode. */
  asyncConcurrency: number;
  /** Bytes of memory still available, when a governor says so. */
  memoryAvailableBytes?: number;
}

/** One candidate's estimate with its cost terms, milliseconds. */
export interface ThreadsEstimate {
  workers: number;
  chunkSize: number;
  totalMs: number;
  startMs: number;
  /** Serial part on the calling thread (Amdahl): cloning and dispatching chunks. */
  mainThreadMs: number;
  /** Per-worker share of compute, cloning and chunk round trips. */
  workerMs: number;
  chunkOverheadTotalMs: number;
  /** Expected idle time at the end from uneven last chunks. */
  tailMs: number;
}

/** Below this estimated speedup the job stays serial. */
export const MIN_SPEEDUP = 1.2;

/**
 * Extra cost of a chunk, milliseconds, when the workers fill every core: the calling
 * thread must be scheduled to take each result and send the next chunk, preempting a
 * worker. Fitted on the reference machine (2 cores, 2 ms items: 124 chunks took 34 ms
 * longer than 8); pings to idle workers cannot measure it.
 */
export const CONTENDED_CHUNK_MS = 0.3;

/**
 * Variation assumed at least, however even the sampled items were: other processes,
 * GC and JIT make equal items take unequal time on a shared machine.
 */
export const MIN_ITEM_CV = 0.25;

/** Estimated time of the remaining items on `workers` workers with chunks of `chunkSize` items. */
export function estimateThreads(inputs: CostInputs, workers: number, chunkSize: number): ThreadsEstimate {
  const n = inputs.itemCount;
  const chunks = Math.ceil(n / chunkSize);
  const cloneMs = inputs.cloneInMs + inputs.cloneOutMs;
  const startMs = (workers > inputs.warmWorkers ? inputs.poolStartMs : 0) + inputs.moduleLoadMs;
  // A job using the whole pool keeps a second chunk queued on each worker, hiding the round
  // trip; a job on part of the pool does not (it would spread to the other workers).
  const pipelinedMs =
    workers >= inputs.maxWorkers
      ? inputs.chunkOverheadMs
      : Math.max(inputs.chunkOverheadMs, inputs.roundTripMs);
  const perChunkMs = pipelinedMs + (Math.min(workers, chunks) >= inputs.cores ? CONTENDED_CHUNK_MS : 0);
  // The calling thread clones every item and result and handles half of each chunk's cost.
  const mainThreadMs = n * cloneMs + chunks * inputs.chunkOverheadMs * 0.5;
  const chunkOverheadTotalMs = chunks * perChunkMs;
  // Fewer chunks than workers leave workers idle.
  const active = Math.min(workers, chunks);
  const workerMs = (n * (inputs.itemMs + cloneMs) + chunkOverheadTotalMs) / active;
  // Threads beyond the usable cores share them, with the calling thread.
  const cpuBoundMs = (active * workerMs + mainThreadMs) / Math.max(1, inputs.cores);
  const lastChunkMs = Math.min(chunkSize, Math.ceil(n / active)) * inputs.itemMs;
  const tailMs = active > 1 ? 0.5 * lastChunkMs * Math.max(inputs.itemCv, MIN_ITEM_CV) : 0;
  const totalMs = startMs + Math.max(mainThreadMs, workerMs, cpuBoundMs) + tailMs + inputs.roundTripMs;
  return { workers, chunkSize, totalMs, startMs, mainThreadMs, workerMs, chunkOverheadTotalMs, tailMs };
}

/** Chunk sizes worth evaluating for `workers` workers: even splits and powers of two. */
function chunkCandidates(itemCount: number, workers: number): number[] {
  const sizes = new Set<number>();
  for (let perWorker = 1; perWorker <= 4096; perWorker = Math.ceil(perWorker * 1.5)) {
    sizes.add(Math.max(1, Math.ceil(itemCount / (workers * perWorker))));
  }
  for (let size = 1; size <= itemCount; size *= 2) sizes.add(size);
  sizes.add(itemCount);
  return [...sizes];
}

/** The cheapest (workers, chunk) estimate, or undefined when threads are not allowed or there is nothing to run. */
export function bestThreads(inputs: CostInputs): ThreadsEstimate | undefined {
  if (!inputs.threadsAllowed || inputs.itemCount === 0) return undefined;
  let best: ThreadsEstimate | undefined;
  for (let workers = 1; workers <= inputs.maxWorkers; workers++) {
    for (const chunkSize of chunkCandidates(inputs.itemCount, workers)) {
      const estimate = estimateThreads(inputs, workers, chunkSize);
      if (best === undefined || estimate.totalMs < best.totalMs) best = estimate;
    }
  }
  return best;
}

export type Decided = Omit<ExecutionPlan, 'source' | 'confidence'>;

/**
 * Chooses serial, threads or async for the remaining items by estimated time, staying
 * serial unless a faster mode is estimated at ≥ `MIN_SPEEDUP`, and says why in `reason`.
 */
export function choosePlan(inputs: CostInputs): Decided {
  const serialMs = inputs.itemCount * inputs.itemMs;
  const totalSerialMs = inputs.doneMs + serialMs;
  const speedupOf = (remainingMs: number) => totalSerialMs / Math.max(1e-9, inputs.doneMs + remainingMs);
  const warnings = planWarnings(inputs);
  const perItem = `per-item work ${formatMs(inputs.itemMs)}`;

  const ioBound = inputs.taskType === 'io' || inputs.cpuRatio < 0.5;
  if (ioBound) {
    const concurrency = Math.max(1, Math.min(inputs.asyncConcurrency, inputs.itemCount));
    const asyncMs = Math.max(serialMs / concurrency, serialMs * inputs.cpuRatio);
    const speedup = speedupOf(asyncMs);
    const why =
      inputs.taskType === 'io'
        ? `taskType 'io'`
        : `CPU/wall ratio ${inputs.cpuRatio.toFixed(2)} says the work waits on IO`;
    if (speedup >= MIN_SPEEDUP) {
      return {
        mode: 'async',
        workers: 1,
        chunkSize: 1,
        maxInFlight: concurrency,
        estimatedSpeedup: speedup,
        reason: `async: ${why}; ${concurrency} items in flight on the calling thread overlap their ${formatMs(inputs.itemMs)} waits (estimated ${speedup.toFixed(2)}x)`,
        warnings,
      };
    }
    return serialPlan(
      `serial: ${why}, but ${inputs.itemCount} remaining items leave nothing to overlap`,
      warnings,
    );
  }

  const cloneMs = inputs.cloneInMs + inputs.cloneOutMs;
  if (inputs.threadsAllowed && inputs.itemCount > 0 && inputs.itemMs <= cloneMs) {
    // No split can win when moving an item costs the calling thread more than doing it.
    return serialPlan(
      `serial: per-item work ${formatMs(inputs.itemMs)} is below transfer cost ${formatMs(cloneMs)} per item`,
      warnings,
    );
  }
  const best = bestThreads(inputs);
  if (best === undefined) {
    const why = inputs.threadsAllowed
      ? 'the dry run already finished every item'
      : 'the task is an in-process function (give { module, export } to use workers)';
    return serialPlan(`serial: ${why}`, warnings);
  }
  const speedup = speedupOf(best.totalMs);
  if (speedup >= MIN_SPEEDUP) {
    const chunkMs = best.chunkSize * inputs.itemMs;
    return {
      mode: 'threads',
      workers: best.workers,
      chunkSize: best.chunkSize,
      maxInFlight: best.workers,
      estimatedSpeedup: speedup,
      reason:
        `threads: ${best.workers} workers, chunks of ${best.chunkSize} items (≈${formatMs(chunkMs)} each): ` +
        `${perItem} outweighs transfer ${formatMs(cloneMs)} per item and ${formatMs(inputs.chunkOverheadMs)} per chunk` +
        (best.startMs > 0 ? ` plus ${formatMs(best.startMs)} start-up` : '') +
        `; estimated ${speedup.toFixed(2)}x`,
      warnings,
    };
  }
  return serialPlan(`serial: ${serialReason(inputs, best, serialMs, speedup)}`, warnings);
}

/** Names the cost that keeps the job serial: the largest overhead of the best threaded candidate. */
function serialReason(inputs: CostInputs, best: ThreadsEstimate, serialMs: number, speedup: number): string {
  const estimate = `best threaded estimate ${speedup.toFixed(2)}x, below ${MIN_SPEEDUP}x`;
  const overheads: [string, number][] = [
    [
      `copying items to and from workers costs ${formatMs(best.mainThreadMs)} on the calling thread against ${formatMs(serialMs)} of work (${estimate})`,
      best.mainThreadMs,
    ],
    [
      `${formatMs(serialMs)} of work is too little to pay worker start-up ${formatMs(best.startMs)} (${estimate})`,
      best.startMs,
    ],
    [
      `per-chunk round trip ${formatMs(Math.max(inputs.chunkOverheadMs, inputs.roundTripMs))} against ${formatMs(serialMs)} of work (${estimate})`,
      best.chunkOverheadTotalMs / best.workers + inputs.roundTripMs,
    ],
    [
      `uneven items (CV ${inputs.itemCv.toFixed(2)}) leave workers idle at the end (${estimate})`,
      best.tailMs,
    ],
  ];
  overheads.sort((a, b) => b[1] - a[1]);
  return (overheads[0] as [string, number])[0];
}

function serialPlan(reason: string, warnings: string[]): Decided {
  return { mode: 'serial', workers: 1, chunkSize: 1, maxInFlight: 1, estimatedSpeedup: 1, reason, warnings };
}

/** Things the user should know whatever the mode. */
export function planWarnings(inputs: CostInputs): string[] {
  const warnings: string[] = [];
  const totalItems = inputs.itemCount + inputs.doneCount;
  const payloadBytes = (inputs.inputBytesPerItem + inputs.outputBytesPerItem) * totalItems;
  if (inputs.inputBytesPerItem >= 1024 * 1024) {
    warnings.push(
      `items are ${formatBytes(inputs.inputBytesPerItem)} each; copying them to workers costs ${formatMs(inputs.cloneInMs)} per item on the calling thread (pass transfer: true or use SharedArrayBuffer-backed arrays)`,
    );
  }
  if (inputs.memoryAvailableBytes !== undefined && payloadBytes * 2 > inputs.memoryAvailableBytes) {
    warnings.push(
      `inputs and results (${formatBytes(payloadBytes)}, twice that while copied) exceed the ${formatBytes(inputs.memoryAvailableBytes)} of memory available`,
    );
  } else if (payloadBytes > 512 * 1024 * 1024) {
    warnings.push(`inputs and results total ${formatBytes(payloadBytes)}; consider stream() to bound memory`);
  }
  if (inputs.itemCv > 1) {
    warnings.push(
      `per-item time varies a lot (CV ${inputs.itemCv.toFixed(2)}); estimates are rough and chunks are kept small to balance`,
    );
  }
  if (inputs.doneCount < 3 && inputs.itemCount > 0) {
    warnings.push(`only ${inputs.doneCount} items were measured; the estimate is rough`);
  }
  return warnings;
}
