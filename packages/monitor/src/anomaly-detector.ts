import { InvalidInputError } from '@toolbox/contracts';
import {
  optionalFunction,
  optionalNumberInRange,
  optionalPositiveInteger,
  optionalPositiveNumber,
} from './_validate.js';

export interface AnomalyDetectorOptions {
  /** EWMA smoothing factor, 0–1 (weight of the newest sample; ~1/alpha samples of memory); default 0.05. */
  alpha?: number;
  /**
   * Flag a sample when its |z-score| exceeds this many standard deviations; default 4
   * (on Gaussian noise the EWMA's own estimation noise makes k = 3 flag ~0.6 % of samples).
   */
  threshold?: number;
  /** Samples per series before anything is flagged; default 20. */
  warmupSamples?: number;
  /**
   * Floor of the standard deviation as a share of |mean|, so that a nearly constant
   * series does not flag tiny wiggles; default 0.01.
   */
  minRelativeStdDev?: number;
  /** Most series tracked at once; samples of further series are ignored; default 1000. */
  maxSeries?: number;
  /** Timestamps for events, milliseconds since the epoch; default `Date.now`. */
  clock?: () => number;
  /** Receives errors thrown by subscribers; default `process.emitWarning`. */
  onListenerError?: (error: unknown) => void;
}

/** A sample that lies more than `threshold` standard deviations from its series' EWMA. */
export interface AnomalyEvent {
  series: string;
  value: number;
  /** EWMA mean and standard deviation before this sample. */
  mean: number;
  stdDev: number;
  zScore: number;
  direction: 'high' | 'low';
  timeMs: number;
  /** 1-based index of the sample in its series. */
  sample: number;
}

export interface SeriesState {
  count: number;
  mean: number;
  stdDev: number;
}

export type AnomalyListener = (event: AnomalyEvent) => void;

interface Series {
  count: number;
  mean: number;
  variance: number;
}

/**
 * Per-series EWMA mean and variance with a warm-up; flags |z| > k and tells subscribers.
 * During warm-up the weight is `max(alpha, 1/n)`, i.e. a plain running mean at first,
 * so the baseline is sound by the time flagging starts. An outlier updates the mean and
 * variance as if it were only `threshold` standard deviations away (winsorised), so one
 * spike neither drags the baseline nor blinds the detector to the next; during a lasting
 * level shift each flagged sample widens the variance by (1 − α)(1 + α·k²), so the new
 * level is absorbed after a handful of samples.
 */
export class AnomalyDetector {
  readonly alpha: number;
  readonly threshold: number;
  readonly warmupSamples: number;
  readonly #minRelativeStdDev: number;
  readonly #maxSeries: number;
  readonly #clock: () => number;
  readonly #onListenerError: (error: unknown) => void;
  readonly #series = new Map<string, Series>();
  readonly #listeners = new Set<AnomalyListener>();
  #flagged = 0;

  constructor(options: AnomalyDetectorOptions = {}) {
    this.alpha = optionalNumberInRange(options.alpha, 'options.alpha', Number.MIN_VALUE, 1) ?? 0.05;
    this.threshold = optionalPositiveNumber(options.threshold, 'options.threshold') ?? 4;
    this.warmupSamples = optionalPositiveInteger(options.warmupSamples, 'options.warmupSamples') ?? 20;
    this.#minRelativeStdDev =
      optionalNumberInRange(options.minRelativeStdDev, 'options.minRelativeStdDev', 0, 1) ?? 0.01;
    this.#maxSeries = optionalPositiveInteger(options.maxSeries, 'options.maxSeries') ?? 1000;
    this.#clock = optionalFunction(options.clock, 'options.clock') ?? Date.now;
    this.#onListenerError =
      optionalFunction(options.onListenerError, 'options.onListenerError') ??
      ((error) => process.emitWarning(error instanceof Error ? error : String(error)));
  }

  /** Anomalies flagged so far, over all series. */
  get flaggedCount(): number {
    return this.#flagged;
  }

  /** Adds a sample to `series`; returns the event when it is anomalous (subscribers get it too). */
  observe(series: string, value: number): AnomalyEvent | undefined {
    if (!Number.isFinite(value)) return undefined;
    let state = this.#series.get(series);
    if (state === undefined) {
      if (typeof series !== 'string')
        throw new InvalidInputError(`series must be a string, got ${typeof series}`, {
          details: { argument: 'series' },
        });
      if (this.#series.size >= this.#maxSeries) return undefined;
      state = { count: 0, mean: 0, variance: 0 };
      this.#series.set(series, state);
    }
    state.count++;
    if (state.count === 1) {
      state.mean = value;
      return undefined;
    }
    const stdDev = Math.max(Math.sqrt(state.variance), this.#minRelativeStdDev * Math.abs(state.mean), 1e-12);
    const diff = value - state.mean;
    const zScore = diff / stdDev;
    let clipped = diff;
    let event: AnomalyEvent | undefined;
    if (state.count > this.warmupSamples && Math.abs(zScore) > this.threshold) {
      event = {
        series,
        value,
        mean: state.mean,
        stdDev,
        zScore,
        direction: zScore > 0 ? 'high' : 'low',
        timeMs: this.#clock(),
        sample: state.count,
      };
      clipped = Math.sign(diff) * this.threshold * stdDev;
    }
    const weight = Math.max(this.alpha, 1 / state.count);
    state.mean += weight * clipped;
    state.variance = (1 - weight) * (state.variance + weight * clipped * clipped);
    if (event !== undefined) {
      this.#flagged++;
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          this.#onListenerError(error);
        }
      }
    }
    return event;
  }

  /** Calls `listener` with every anomaly; returns the unsubscribe function. */
  subscribe(listener: AnomalyListener): () => void {
    if (typeof listener !== 'function')
      throw new InvalidInputError(`listener must be a function, got ${typeof listener}`, {
        details: { argument: 'listener' },
      });
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** The baseline of `series`, or `undefined` when it has no samples. */
  state(series: string): SeriesState | undefined {
    const state = this.#series.get(series);
    return state && { count: state.count, mean: state.mean, stdDev: Math.sqrt(state.variance) };
  }

  /** Forgets one series, or all of them. */
  reset(series?: string): void {
    if (series === undefined) this.#series.clear();
    else this.#series.delete(series);
  }
}

/** Creates an anomaly detector (see `AnomalyDetector`). */
export function createAnomalyDetector(options: AnomalyDetectorOptions = {}): AnomalyDetector {
  return new AnomalyDetector(options);
}
