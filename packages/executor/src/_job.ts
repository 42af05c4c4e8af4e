import { AbortError, TimeoutError } from '@toolbox/contracts';

export interface JobSettings {
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  itemTimeoutMs: number | undefined;
  retries: number;
  retryDelayMs: number;
  isRetryable: (error: unknown) => boolean;
  priority: number;
  transfer: boolean;
}

/**
 * The stop switch of one job: the caller's signal, the whole-job timeout, the first
 * failure and `dispose()` all stop it once, with one error, aborting everything linked
 * to `signal`. Also owns the per-item attempt counts for retries.
 */
export class Job {
  readonly settings: JobSettings;
  readonly #controller = new AbortController();
  readonly #attempts = new Map<number, number>();
  #error: Error | undefined;
  #rejectStopped!: (error: Error) => void;
  #timer: NodeJS.Timeout | undefined;
  readonly #onAbort: () => void;
  /** Rejects with the stop error; never unhandled. */
  readonly stopped: Promise<never>;
  /** Retries taken so far. */
  retries = 0;
  /** Time workers spent running this job's items, milliseconds (their chunks' `computeMs`). */
  workerComputeMs = 0;

  constructor(settings: JobSettings) {
    this.settings = settings;
    this.stopped = new Promise<never>((_, reject) => {
      this.#rejectStopped = reject;
    });
    this.stopped.catch(() => {});
    const { signal, timeoutMs } = settings;
    this.#onAbort = () =>
      this.stop(new AbortError('the job was aborted through options.signal', { cause: signal?.reason }));
    if (signal !== undefined) {
      if (signal.aborted) this.#onAbort();
      else signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    if (timeoutMs !== undefined && !this.isStopped) {
      this.#timer = setTimeout(
        () =>
          this.stop(
            new TimeoutError(`the job did not finish within options.timeoutMs = ${timeoutMs} ms`, {
              details: { timeoutMs },
            }),
          ),
        timeoutMs,
      );
    }
  }

  /** Aborted when the job stops; chunks and sleeps listen to it. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get isStopped(): boolean {
    return this.#error !== undefined;
  }

  get error(): Error | undefined {
    return this.#error;
  }

  /** Stops the job with `error` (the first call wins). */
  stop(error: Error): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    this.#controller.abort(error);
    this.#rejectStopped(error);
    this.finish();
  }

  throwIfStopped(): void {
    if (this.#error !== undefined) throw this.#error;
  }

  /** `promise`, or the stop error as soon as the job stops. */
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.stopped]);
  }

  /**
   * Counts an attempt of item `index` that failed with `error`; returns the delay before
   * the next attempt, or undefined when the item must not be retried.
   */
  retryDelay(index: number, error: unknown): number | undefined {
    if (this.isStopped) return undefined;
    const attempts = (this.#attempts.get(index) ?? 0) + 1;
    this.#attempts.set(index, attempts);
    if (attempts > this.settings.retries || !this.settings.isRetryable(error)) return undefined;
    this.retries++;
    return this.settings.retryDelayMs * 2 ** (attempts - 1);
  }

  /** Waits `ms`, rejecting early with the stop error. */
  sleep(ms: number): Promise<void> {
    return this.race(
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      }),
    );
  }

  /** Releases the timer and the caller's signal listener. */
  finish(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.settings.signal?.removeEventListener('abort', this.#onAbort);
  }
}
