import { AbortError, InvalidInputError, TaskFailedError } from '@toolbox/contracts';
import { durationMs, finiteNumber, positiveInteger } from './_validate.js';

export interface DynamicBatcherOptions<I, O> {
  /** Runs one batch; must resolve with one result per input, in order. */
  process: (batch: I[]) => O[] | Promise<O[]>;
  /** A batch is sent as soon as this many requests wait; default 32. */
  maxBatchSize?: number;
  /** ...or when the oldest waiting request has waited this long, milliseconds; default 10. */
  maxWaitMs?: number;
  /** Batches processed at once; default 1 (requests arriving meanwhile queue by priority). */
  maxConcurrentBatches?: number;
}

export interface SubmitOptions {
  /** Higher goes into an earlier batch; default 0. Equal priorities keep arrival order. */
  priority?: number;
  /** Withdraws the request while it still waits (it rejects with `AbortError`). */
  signal?: AbortSignal;
}

export interface DynamicBatcherStats {
  submitted: number;
  batches: number;
  /** Batches sent because they were full, and because the oldest request waited `maxWaitMs`. */
  flushedBySize: number;
  flushedByTime: number;
  failedBatches: number;
  /** Requests waiting now. */
  waiting: number;
}

interface Waiter<I, O> {
  item: I;
  priority: number;
  seq: number;
  enqueuedAtMs: number;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Collects single requests into batches (seed 003's dynamic batching for inference): a
 * batch goes out when `maxBatchSize` requests wait or the oldest has waited `maxWaitMs`;
 * waiting requests are ordered by priority; every caller gets its own result or error.
 */
export class DynamicBatcher<I, O> {
  readonly #process: (batch: I[]) => O[] | Promise<O[]>;
  readonly #maxBatchSize: number;
  readonly #maxWaitMs: number;
  readonly #maxConcurrentBatches: number;
  readonly #waiting: Waiter<I, O>[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #seq = 0;
  #disposed = false;
  readonly #stats = { submitted: 0, batches: 0, flushedBySize: 0, flushedByTime: 0, failedBatches: 0 };

  constructor(options: DynamicBatcherOptions<I, O>) {
    if (options === null || typeof options !== 'object' || typeof options.process !== 'function') {
      throw new InvalidInputError('options.process must be a function (batch) => results', {
        details: { argument: 'options.process' },
      });
    }
    this.#process = options.process;
    this.#maxBatchSize = positiveInteger(options.maxBatchSize, 'options.maxBatchSize', 32);
    this.#maxWaitMs = durationMs(options.maxWaitMs, 'options.maxWaitMs', true) ?? 10;
    this.#maxConcurrentBatches = positiveInteger(
      options.maxConcurrentBatches,
      'options.maxConcurrentBatches',
      1,
    );
  }

  /** Queues one request; resolves with its own result once its batch is processed. */
  submit(item: I, options: SubmitOptions = {}): Promise<O> {
    if (this.#disposed) return Promise.reject(new AbortError('the batcher is disposed'));
    const priority = finiteNumber(options.priority, 'options.priority', 0);
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(
        new AbortError('the request was aborted before it was queued', { cause: signal.reason }),
      );
    }
    return new Promise<O>((resolve, reject) => {
      const waiter: Waiter<I, O> = {
        item,
        priority,
        seq: this.#seq++,
        enqueuedAtMs: performance.now(),
        resolve,
        reject,
        signal,
        onAbort: undefined,
      };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const position = this.#waiting.indexOf(waiter);
          if (position === -1) return;
          this.#waiting.splice(position, 1);
          reject(
            new AbortError('the request was aborted while waiting for a batch', { cause: signal.reason }),
          );
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#stats.submitted++;
      this.#insert(waiter);
      this.#schedule();
    });
  }

  /** Sends everything waiting now, in as many batches as needed, and waits for them. */
  async flush(): Promise<void> {
    this.#clearTimer();
    while (this.#waiting.length > 0 || this.#inFlight.size > 0) {
      while (this.#waiting.length > 0 && this.#inFlight.size < this.#maxConcurrentBatches)
        this.#send('manual');
      if (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
    }
  }

  stats(): DynamicBatcherStats {
    return { ...this.#stats, waiting: this.#waiting.length };
  }

  /** Rejects waiting requests with `AbortError` and waits for batches already sent. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#clearTimer();
    for (const waiter of this.#waiting.splice(0)) {
      this.#detach(waiter);
      waiter.reject(new AbortError('the batcher was disposed before the request was processed'));
    }
    await Promise.allSettled(this.#inFlight);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Keeps `#waiting` sorted: higher priority first, then arrival order. */
  #insert(waiter: Waiter<I, O>): void {
    let position = this.#waiting.length;
    while (position > 0 && (this.#waiting[position - 1] as Waiter<I, O>).priority < waiter.priority)
      position--;
    this.#waiting.splice(position, 0, waiter);
  }

  #schedule(): void {
    while (this.#waiting.length >= this.#maxBatchSize && this.#inFlight.size < this.#maxConcurrentBatches) {
      this.#send('size');
    }
    if (this.#waiting.length === 0) {
      this.#clearTimer();
      return;
    }
    if (this.#timer !== undefined || this.#inFlight.size >= this.#maxConcurrentBatches) return;
    let oldestMs = Number.POSITIVE_INFINITY;
    for (const waiter of this.#waiting) oldestMs = Math.min(oldestMs, waiter.enqueuedAtMs);
    const delayMs = Math.max(0, oldestMs + this.#maxWaitMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#waiting.length > 0 && this.#inFlight.size < this.#maxConcurrentBatches) this.#send('time');
      this.#schedule();
    }, delayMs);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #detach(waiter: Waiter<I, O>): void {
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  #send(trigger: 'size' | 'time' | 'manual'): void {
    const batch = this.#waiting.splice(0, this.#maxBatchSize);
    for (const waiter of batch) this.#detach(waiter);
    this.#stats.batches++;
    if (trigger === 'size') this.#stats.flushedBySize++;
    else if (trigger === 'time') this.#stats.flushedByTime++;
    const running = this.#run(batch).finally(() => {
      this.#inFlight.delete(running);
      if (!this.#disposed) this.#schedule();
    });
    this.#inFlight.add(running);
  }

  async #run(batch: Waiter<I, O>[]): Promise<void> {
    try {
      const results = await this.#process(batch.map((waiter) => waiter.item));
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new InvalidInputError(
          `options.process must resolve with ${batch.length} results (one per request), got ${
            Array.isArray(results) ? results.length : typeof results
          }`,
          { details: { argument: 'options.process' } },
        );
      }
      for (let index = 0; index < batch.length; index++)
        (batch[index] as Waiter<I, O>).resolve(results[index] as O);
    } catch (error) {
      this.#stats.failedBatches++;
      const failure = new TaskFailedError(
        `the batch of ${batch.length} requests failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
      for (const waiter of batch) waiter.reject(failure);
    }
  }
}
