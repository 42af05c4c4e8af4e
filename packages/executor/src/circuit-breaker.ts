import { CircuitOpenError, InvalidInputError } from '@toolbox/contracts';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Failure share over the window that opens the circuit, in (0, 1]; default 0.5. */
  failureRatio?: number;
  /** Calls the window must hold before it can open; default 10. */
  minimumCalls?: number;
  /** Number of most recent calls the ratio is taken over; default 20. */
  windowSize?: number;
  /** How long the circuit stays open before letting a trial call through, milliseconds; default 30 000. */
  openMs?: number;
  /** Clock in milliseconds; default `Date.now` (tests inject a fake one). */
  now?: () => number;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidInputError(`options.${name} must be a positive integer, got ${value}`, {
      details: { argument: `options.${name}`, value },
    });
  }
  return value;
}

/**
 * Stops calling a failing task: closed → open when the failure ratio over the last
 * `windowSize` calls reaches `failureRatio`; open → half-open after `openMs`, when one
 * trial call goes through; its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  readonly #failureRatio: number;
  readonly #minimumCalls: number;
  readonly #windowSize: number;
  readonly #openMs: number;
  readonly #now: () => number;
  /** Ring of recent outcomes, true for a failure. */
  readonly #window: boolean[] = [];
  #state: CircuitState = 'closed';
  #openedAtMs = 0;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    const {
      failureRatio = 0.5,
      minimumCalls = 10,
      windowSize = 20,
      openMs = 30_000,
      now = Date.now,
    } = options;
    if (!(failureRatio > 0 && failureRatio <= 1)) {
      throw new InvalidInputError(`options.failureRatio must be in (0, 1], got ${failureRatio}`, {
        details: { argument: 'options.failureRatio', value: failureRatio },
      });
    }
    if (!(openMs >= 0) || !Number.isFinite(openMs)) {
      throw new InvalidInputError(
        `options.openMs must be a non-negative number of milliseconds, got ${openMs}`,
        {
          details: { argument: 'options.openMs', value: openMs },
        },
      );
    }
    this.#failureRatio = failureRatio;
    this.#minimumCalls = positiveInteger(minimumCalls, 'minimumCalls');
    this.#windowSize = positiveInteger(windowSize, 'windowSize');
    this.#openMs = openMs;
    this.#now = now;
  }

  /** The current state; an open circuit whose `openMs` has passed reads as half-open. */
  get state(): CircuitState {
    if (this.#state === 'open' && this.#now() - this.#openedAtMs >= this.#openMs) return 'half-open';
    return this.#state;
  }

  /** Runs `fn` if the circuit allows it, else rejects with `CircuitOpenError` without calling it. */
  async execute<T>(fn: () => T | Promise<T>): Promise<Awaited<T>> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.#trialInFlight)) {
      const retryInMs = Math.max(0, this.#openedAtMs + this.#openMs - this.#now());
      throw new CircuitOpenError(`circuit is open after repeated failures; retry in ${retryInMs} ms`, {
        details: { retryInMs },
      });
    }
    const trial = state === 'half-open';
    if (trial) this.#trialInFlight = true;
    try {
      const value = await fn();
      this.#onOutcome(false, trial);
      return value;
    } catch (error) {
      this.#onOutcome(true, trial);
      throw error;
    } finally {
      if (trial) this.#trialInFlight = false;
    }
  }

  /** Closes the circuit and forgets the window. */
  reset(): void {
    this.#state = 'closed';
    this.#window.length = 0;
  }

  #onOutcome(failed: boolean, trial: boolean): void {
    if (trial) {
      if (failed) this.#open();
      else this.reset();
      return;
    }
    this.#window.push(failed);
    if (this.#window.length > this.#windowSize) this.#window.shift();
    if (this.#window.length < this.#minimumCalls) return;
    const failures = this.#window.reduce((count, isFailure) => count + (isFailure ? 1 : 0), 0);
    if (failures / this.#window.length >= this.#failureRatio) this.#open();
  }

  #open(): void {
    this.#state = 'open';
    this.#openedAtMs = this.#now();
    this.#window.length = 0;
  }
}
