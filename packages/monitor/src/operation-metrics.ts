import type { MetricEvent, MetricsSink } from '@toolbox/contracts';
import { InvalidInputError } from '@toolbox/contracts';
import { type Family, formatFamilies, formatLabels, isLabelName, isMetricName } from './_prometheus.js';
import { optionalFunction, optionalPositiveInteger } from './_validate.js';
import type { AnomalyDetector } from './anomaly-detector.js';
import { type HistogramOptions, LogHistogram } from './histogram.js';

export interface OperationMetricsOptions {
  /** Clock for `start()` timers and throughput, milliseconds; default `performance.now`. */
  clock?: () => number;
  /** Accuracy and range of the duration histograms (values in milliseconds). */
  histogram?: HistogramOptions;
  /** When given, every duration is fed to it as series `duration:<name>`. */
  anomalies?: AnomalyDetector;
  /** Most distinct (name, labels) series; observations of further series are counted in `droppedObservations`; default 1000. */
  maxSeries?: number;
}

/** What one operation series has done, as plain JSON. Durations are milliseconds. */
export interface OperationStats {
  name: string;
  labels: Record<string, string>;
  count: number;
  errors: number;
  /** errors / count, 0–1. */
  errorRate: number;
  totalMs: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Completed operations per second since the series' first operation started. */
  throughputPerSecond: number;
  /** Bytes reported by the operations. */
  bytes: number;
}

export interface OperationMetricsJSON {
  operations: OperationStats[];
  droppedObservations: number;
}

export interface PrometheusOptions {
  /** Prepended to every metric name; default `toolbox_`. */
  prefix?: string;
}

/** Stops a timer started by `start()`; returns the measured duration in milliseconds. */
export type StopTimer = (ok?: boolean, bytes?: number) => number;

interface Series {
  name: string;
  labels: [string, string][];
  histogram: LogHistogram;
  /** Series name in the anomaly detector: `duration:<name>` or `duration:<name>{a="1"}`. */
  anomalySeries: string;
  errors: number;
  bytes: number;
  firstStartMs: number;
  lastEndMs: number;
}

const RESERVED_LABELS = new Set(['operation', 'quantile']);

/**
 * Per-operation counters and duration histograms (bounded memory, p50/p95/p99 within
 * the histogram's relative accuracy), exported as JSON or Prometheus text. Implements
 * the contracts `MetricsSink`, so the executor, cache and core can report into it.
 */
export class OperationMetrics implements MetricsSink {
  readonly #clock: () => number;
  readonly #histogramOptions: HistogramOptions;
  readonly #anomalies: AnomalyDetector | undefined;
  readonly #maxSeries: number;
  readonly #series = new Map<string, Series>();
  #dropped = 0;

  constructor(options: OperationMetricsOptions = {}) {
    this.#clock = optionalFunction(options.clock, 'options.clock') ?? (() => performance.now());
    this.#histogramOptions = options.histogram ?? {};
    new LogHistogram(this.#histogramOptions); // validates the histogram options up front
    this.#anomalies = options.anomalies;
    this.#maxSeries = optionalPositiveInteger(options.maxSeries, 'options.maxSeries') ?? 1000;
  }

  /** Starts timing one operation; call the returned function when it ends. */
  start(name: string, labels?: Readonly<Record<string, string>>): StopTimer {
    const startMs = this.#clock();
    let stopped = false;
    return (ok = true, bytes?: number) => {
      const durationMs = this.#clock() - startMs;
      if (!stopped) {
        stopped = true;
        this.#record(name, durationMs, ok, bytes, labels);
      }
      return durationMs;
    };
  }

  /** Records one finished operation (the `MetricsSink` port). */
  observe(event: MetricEvent): void;
  /** Records one finished operation of `durationMs` milliseconds. */
  observe(name: string, durationMs: number, ok?: boolean, bytes?: number): void;
  observe(eventOrName: MetricEvent | string, durationMs?: number, ok = true, bytes?: number): void {
    if (typeof eventOrName === 'string') this.#record(eventOrName, durationMs, ok, bytes, undefined);
    else if (typeof eventOrName === 'object' && eventOrName !== null)
      this.#record(
        eventOrName.name,
        eventOrName.durationMs,
        eventOrName.ok,
        eventOrName.bytes,
        eventOrName.labels,
      );
    else
      throw new InvalidInputError(
        `event must be a MetricEvent or an operation name, got ${String(eventOrName)}`,
        {
          details: { argument: 'event' },
        },
      );
  }

  #record(
    name: string,
    durationMs: number | undefined,
    ok: boolean,
    bytes: number | undefined,
    labels: Readonly<Record<string, string>> | undefined,
  ): void {
    if (typeof durationMs !== 'number' || !(durationMs >= 0) || durationMs === Number.POSITIVE_INFINITY)
      throw new InvalidInputError(`durationMs must be a finite number ≥ 0, got ${String(durationMs)}`, {
        details: { argument: 'durationMs', value: durationMs },
      });
    const key = labels === undefined ? name : seriesKey(name, labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      if (this.#series.size >= this.#maxSeries) {
        this.#dropped++;
        return;
      }
      series = this.#createSeries(name, labels);
      this.#series.set(key, series);
    }
    const now = this.#clock();
    if (series.histogram.count === 0) series.firstStartMs = now - durationMs;
    series.lastEndMs = now;
    series.histogram.record(durationMs);
    if (!ok) series.errors++;
    if (bytes !== undefined && bytes > 0) series.bytes += bytes;
    this.#anomalies?.observe(series.anomalySeries, durationMs);
  }

  #createSeries(name: string, labels: Readonly<Record<string, string>> | undefined): Series {
    if (typeof name !== 'string' || name.length === 0)
      throw new InvalidInputError(`name must be a non-empty string, got ${JSON.stringify(name)}`, {
        details: { argument: 'name' },
      });
    const pairs = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [label, value] of pairs) {
      if (!isLabelName(label) || RESERVED_LABELS.has(label))
        throw new InvalidInputError(
          `labels must have Prometheus label names other than "operation" and "quantile", got ${JSON.stringify(label)}`,
          { details: { argument: 'labels', label } },
        );
      if (typeof value !== 'string')
        throw new InvalidInputError(`labels.${label} must be a string, got ${typeof value}`, {
          details: { argument: 'labels', label },
        });
    }
    return {
      name,
      labels: pairs,
      histogram: new LogHistogram(this.#histogramOptions),
      anomalySeries: `duration:${name}${formatLabels(pairs)}`,
      errors: 0,
      bytes: 0,
      firstStartMs: 0,
      lastEndMs: 0,
    };
  }

  /** Statistics of one series, or `undefined` when it has no observations. */
  get(name: string, labels?: Readonly<Record<string, string>>): OperationStats | undefined {
    const series = this.#series.get(labels === undefined ? name : seriesKey(name, labels));
    return series && this.#stats(series);
  }

  #stats(series: Series): OperationStats {
    const { histogram } = series;
    const elapsedMs = this.#clock() - series.firstStartMs;
    return {
      name: series.name,
      labels: Object.fromEntries(series.labels),
      count: histogram.count,
      errors: series.errors,
      errorRate: series.errors / histogram.count,
      totalMs: histogram.sum,
      meanMs: histogram.mean,
      minMs: histogram.min,
      maxMs: histogram.max,
      p50Ms: histogram.quantile(0.5),
      p95Ms: histogram.quantile(0.95),
      p99Ms: histogram.quantile(0.99),
      throughputPerSecond: elapsedMs > 0 ? (1000 * histogram.count) / elapsedMs : 0,
      bytes: series.bytes,
    };
  }

  /** Every series' statistics, as plain JSON. */
  toJSON(): OperationMetricsJSON {
    return {
      operations: [...this.#series.values()].map((series) => this.#stats(series)),
      droppedObservations: this.#dropped,
    };
  }

  /**
   * Prometheus text exposition (format 0.0.4): a `summary` of durations in seconds with
   * quantiles 0.5/0.95/0.99, and counters of operations, errors and bytes, each labelled
   * with `operation` plus the series' own labels.
   */
  toPrometheus(options: PrometheusOptions = {}): string {
    const prefix = options.prefix ?? 'toolbox_';
    if (!isMetricName(`${prefix}x`))
      throw new InvalidInputError(
        `options.prefix must be a valid Prometheus metric name prefix, got ${JSON.stringify(prefix)}`,
        {
          details: { argument: 'options.prefix', value: prefix },
        },
      );
    const duration: Family = {
      name: `${prefix}operation_duration_seconds`,
      help: 'Duration of completed operations, seconds.',
      type: 'summary',
      samples: [],
    };
    const errors: Family = {
      name: `${prefix}operation_errors_total`,
      help: 'Operations that failed.',
      type: 'counter',
      samples: [],
    };
    const bytes: Family = {
      name: `${prefix}operation_bytes_total`,
      help: 'Bytes processed by operations.',
      type: 'counter',
      samples: [],
    };
    for (const series of this.#series.values()) {
      const labels: [string, string][] = [['operation', series.name], ...series.labels];
      const { histogram } = series;
      for (const q of [0.5, 0.95, 0.99])
        duration.samples.push({
          labels: [...labels, ['quantile', String(q)]],
          value: histogram.quantile(q) / 1000,
        });
      duration.samples.push({ suffix: '_sum', labels, value: histogram.sum / 1000 });
      duration.samples.push({ suffix: '_count', labels, value: histogram.count });
      errors.samples.push({ labels, value: series.errors });
      bytes.samples.push({ labels, value: series.bytes });
    }
    return formatFamilies([duration, errors, bytes]);
  }

  /** Forgets every series. */
  reset(): void {
    this.#series.clear();
    this.#dropped = 0;
  }
}

function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels);
  if (names.length === 0) return name;
  names.sort();
  let key = name;
  for (const label of names) key += `\u0000${label}=${labels[label]}`;
  return key;
}

/** Creates an `OperationMetrics` (see there). */
export function createOperationMetrics(options: OperationMetricsOptions = {}): OperationMetrics {
  return new OperationMetrics(options);
}
