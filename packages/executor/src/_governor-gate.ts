import type { ResourceGovernor, TaskType } from '@toolbox/contracts';
import type { JobCounters } from './_chunk-transport.js';
import type { Job } from './_job.js';
import type { Observe } from './_job-records.js';
import { once } from './_options.js';

const GOVERNOR_RECHECK_MS = 50;

/** A job's admission by the governor: the workers it may use and how to hand them back. */
export interface Admission {
  workers: number;
  release: () => void;
  checkedAtMs: number;
  pausedUntilMs: number;
}

/** Asks the governor (if any) before a job starts and between chunks, obeying and counting `wait` and `reduce`. */
export class GovernorGate {
  readonly #governor: ResourceGovernor | undefined;
  readonly #counters: JobCounters;
  readonly #observe: Observe;

  constructor(governor: ResourceGovernor | undefined, counters: JobCounters, observe: Observe) {
    this.#governor = governor;
    this.#counters = counters;
    this.#observe = observe;
  }

  async admit(job: Job, taskType: TaskType, workers: number): Promise<Admission> {
    const admission: Admission = {
      workers,
      release: () => {},
      checkedAtMs: performance.now(),
      pausedUntilMs: 0,
    };
    const governor = this.#governor;
    if (governor === undefined) return admission;
    for (;;) {
      job.throwIfStopped();
      const answer = governor.admit({ taskType, workers });
      if (answer.decision === 'wait') {
        this.#counters.governorWaits++;
        this.#observe('executor.governor', answer.retryAfterMs, true, { decision: 'wait' });
        await job.sleep(answer.retryAfterMs);
        continue;
      }
      if (answer.decision === 'reduce') {
        this.#counters.governorReductions++;
        admission.workers = Math.max(1, Math.min(workers, answer.workers));
      }
      admission.release = once(answer.release);
      admission.checkedAtMs = performance.now();
      return admission;
    }
  }

  /**
   * Between chunks: hands the admission back and asks again (at most every 50 ms), calling
   * `onReduce` when the workers are reduced. Returns how long to pause dispatching,
   * milliseconds (0 to go on).
   */
  recheck(admission: Admission, taskType: TaskType, onReduce: (workers: number) => void): number {
    const governor = this.#governor;
    if (governor === undefined) return 0;
    const nowMs = performance.now();
    if (nowMs < admission.pausedUntilMs) return admission.pausedUntilMs - nowMs;
    if (nowMs - admission.checkedAtMs < GOVERNOR_RECHECK_MS) return 0;
    admission.checkedAtMs = nowMs;
    admission.release();
    admission.release = () => {};
    const answer = governor.admit({ taskType, workers: admission.workers });
    if (answer.decision === 'wait') {
      this.#counters.governorWaits++;
      admission.pausedUntilMs = nowMs + answer.retryAfterMs;
      admission.checkedAtMs = 0;
      return answer.retryAfterMs;
    }
    if (answer.decision === 'reduce') {
      this.#counters.governorReductions++;
      admission.workers = Math.max(1, Math.min(admission.workers, answer.workers));
      onReduce(admission.workers);
    }
    admission.release = once(answer.release);
    return 0;
  }
}
