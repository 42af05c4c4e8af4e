import type { Admission, AdmissionRequest, ResourceGovernor, SystemSnapshot } from '@toolbox/contracts';
import { InvalidInputError, isTaskType, TASK_PROFILES } from '@toolbox/contracts';
import { optionalFunction, optionalPositiveInteger, optionalPositiveNumber } from './_validate.js';
import { type ResourceLimits, resolveLimits } from './limits.js';
import { otherCpuPercent } from './other-cpu-percent.js';

export interface ResourceGovernorOptions {
  /** Where readings come from (a monitor's `latest()`, a snapshotter, or a fake in tests). */
  snapshot: () => SystemSnapshot;
  /** Limits; defaults CPU 80 %, memory 85 %, 4 heavy operations. */
  limits?: Partial<ResourceLimits>;
  /** Current time, milliseconds since the epoch (same clock as `SystemSnapshot.timeMs`); default `Date.now`. */
  clock?: () => number;
  /**
   * How often the snapshot source gets a new reading, milliseconds; default 1000. A wait
   * caused by CPU or memory lasts until the next reading is due (no sooner answer can differ).
   */
  sampleIntervalMs?: number;
  /** Shortest `retryAfterMs` returned, milliseconds; also the wait for a heavy-operation slot; default 50. */
  minRetryAfterMs?: number;
}

/** How often the governor said what, and what it holds now. */
export interface GovernorStats {
  /** Admissions answered `go`. */
  admitted: number;
  /** Admissions answered `reduce` (CPU above the limit). */
  reduced: number;
  /** Admissions answered `wait`, in total and by cause. */
  waited: number;
  waitedForCpu: number;
  waitedForMemory: number;
  waitedForHeavySlot: number;
  /** reduced + waited: how often the governor throttled. */
  throttled: number;
  /** Admitted operations not yet released. */
  active: number;
  /** Of those, heavy ones. */
  activeHeavy: number;
}

/** A `ResourceGovernor` (contracts port) with its counters. */
export interface Governor extends ResourceGovernor {
  readonly limits: Readonly<ResourceLimits>;
  stats(): GovernorStats;
}

function percent(value: number): string {
  return `${value.toFixed(1)} %`;
}

class LimitsGovernor implements Governor {
  readonly limits: Readonly<ResourceLimits>;
  readonly #source: () => SystemSnapshot;
  readonly #clock: () => number;
  readonly #sampleIntervalMs: number;
  readonly #minRetryAfterMs: number;
  readonly #stats: GovernorStats = {
    admitted: 0,
    reduced: 0,
    waited: 0,
    waitedForCpu: 0,
    waitedForMemory: 0,
    waitedForHeavySlot: 0,
    throttled: 0,
    active: 0,
    activeHeavy: 0,
  };

  constructor(options: ResourceGovernorOptions) {
    if (typeof options !== 'object' || options === null || typeof options.snapshot !== 'function')
      throw new InvalidInputError('options.snapshot must be a function returning a SystemSnapshot', {
        details: { argument: 'options.snapshot' },
      });
    this.#source = options.snapshot;
    this.limits = Object.freeze(resolveLimits(options.limits));
    this.#clock = optionalFunction(options.clock, 'options.clock') ?? Date.now;
    this.#sampleIntervalMs =
      optionalPositiveNumber(options.sampleIntervalMs, 'options.sampleIntervalMs') ?? 1000;
    this.#minRetryAfterMs = optionalPositiveNumber(options.minRetryAfterMs, 'options.minRetryAfterMs') ?? 50;
  }

  snapshot(): SystemSnapshot {
    return this.#source();
  }

  stats(): GovernorStats {
    return { ...this.#stats };
  }

  admit(request: AdmissionRequest): Admission {
    if (typeof request !== 'object' || request === null || !isTaskType(request.taskType))
      throw new InvalidInputError(
        `request.taskType must be one of the TaskType names, got ${JSON.stringify(request?.taskType)}`,
        { details: { argument: 'request.taskType' } },
      );
    const requested = optionalPositiveInteger(request.workers, 'request.workers') ?? 1;
    const heavy = TASK_PROFILES[request.taskType].heavy;
    const snapshot = this.#source();
    const { maxCpuPercent, maxMemoryPercent, maxHeavyOperations } = this.limits;

    if (snapshot.memoryPercent > maxMemoryPercent) {
      this.#stats.waitedForMemory++;
      return this.#wait(
        this.#untilNextSample(snapshot),
        `memory at ${percent(snapshot.memoryPercent)} is above the limit of ${percent(maxMemoryPercent)}`,
      );
    }
    if (heavy && this.#stats.activeHeavy >= maxHeavyOperations) {
      this.#stats.waitedForHeavySlot++;
      return this.#wait(
        this.#minRetryAfterMs,
        `${this.#stats.activeHeavy} heavy operations are running, the limit is ${maxHeavyOperations}`,
      );
    }
    // Other processes' load only (see otherCpuPercent). NaN (no CPU reading yet)
    // compares false: unknown load does not throttle.
    const cpuPercent = otherCpuPercent(snapshot);
    if (cpuPercent > maxCpuPercent) {
      const workers = Math.max(1, Math.floor((requested * maxCpuPercent) / cpuPercent));
      const reason = `CPU used by other processes at ${percent(cpuPercent)} is above the limit of ${percent(maxCpuPercent)}`;
      if (workers < requested) {
        this.#stats.reduced++;
        this.#stats.throttled++;
        return {
          decision: 'reduce',
          workers,
          reason: `${reason}: ${requested} → ${workers} workers`,
          release: this.#hold(heavy),
        };
      }
      this.#stats.waitedForCpu++;
      return this.#wait(this.#untilNextSample(snapshot), reason);
    }
    this.#stats.admitted++;
    return { decision: 'go', release: this.#hold(heavy) };
  }

  #wait(retryAfterMs: number, reason: string): Admission {
    this.#stats.waited++;
    this.#stats.throttled++;
    return { decision: 'wait', retryAfterMs, reason };
  }

  /** Time until the source has a newer reading than `snapshot`, within [minRetryAfterMs, sampleIntervalMs]. */
  #untilNextSample(snapshot: SystemSnapshot): number {
    const due = snapshot.timeMs + this.#sampleIntervalMs - this.#clock();
    return Math.min(this.#sampleIntervalMs, Math.max(this.#minRetryAfterMs, Math.ceil(due)));
  }

  /** Counts an admitted operation until its (idempotent) release. */
  #hold(heavy: boolean): () => void {
    const stats = this.#stats;
    stats.active++;
    if (heavy) stats.activeHeavy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      stats.active--;
      if (heavy) stats.activeHeavy--;
    };
  }
}

/**
 * Creates a governor that admits work against CPU and memory limits and caps the
 * number of concurrent heavy operations:
 * memory above its limit → `wait`; no heavy slot free → `wait`; CPU above its limit →
 * `reduce` the workers in proportion (`floor(workers · max% / cpu%)`), or `wait` when
 * only one worker was asked for; otherwise `go`. `go` and `reduce` hand out a
 * `release()` that must be called when the work ends.
 */
export function createResourceGovernor(options: ResourceGovernorOptions): Governor {
  return new LimitsGovernor(options);
}
