import { AbortError, type AdmissionRequest, type ResourceGovernor, TimeoutError } from '@toolbox/contracts';

export interface Admitted {
  /** Gives the admission back; idempotent. */
  release: () => void;
  /** The governor said wait or reduce at least once. */
  throttled: boolean;
  /** Time spent waiting for admission, milliseconds. */
  waitedMs: number;
  /** Workers granted when the governor reduced the request. */
  workers?: number;
}

export interface AdmitOptions {
  /** Give up after waiting this long, milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called each time the governor says wait or reduce (so a caller counts a throttle even if it then times out). */
  onThrottle?: () => void;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(
        new AbortError('the operation was aborted while waiting for admission', { cause: signal.reason }),
      );
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(
        new AbortError('the operation was aborted while waiting for admission', { cause: signal?.reason }),
      );
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Asks the governor until it says go or reduce, sleeping as long as it says between
 * tries; rejects with `TimeoutError` once `timeoutMs` has passed (naming the governor's
 * last reason), or `AbortError` when `signal` aborts.
 */
export async function admit(
  governor: ResourceGovernor,
  request: AdmissionRequest,
  options: AdmitOptions,
): Promise<Admitted> {
  const started = performance.now();
  let throttled = false;
  for (;;) {
    const decision = governor.admit(request);
    const waitedMs = performance.now() - started;
    if (decision.decision === 'go') return { release: decision.release, throttled, waitedMs };
    throttled = true;
    options.onThrottle?.();
    if (decision.decision === 'reduce') {
      return { release: decision.release, throttled, waitedMs, workers: decision.workers };
    }
    const remainingMs = options.timeoutMs - waitedMs;
    if (remainingMs <= 0) {
      throw new TimeoutError(
        `the resource governor kept the operation waiting for ${Math.round(waitedMs)} ms: ${decision.reason}`,
        { details: { waitedMs, reason: decision.reason } },
      );
    }
    await sleep(Math.max(1, Math.min(decision.retryAfterMs, remainingMs)), options.signal);
  }
}
