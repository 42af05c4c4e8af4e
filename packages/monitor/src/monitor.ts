import type { Admission, AdmissionRequest, SystemSnapshot, TaskType } from '@toolbox/contracts';
import { ToolboxError } from '@toolbox/contracts';
import { type Family, formatFamilies } from './_prometheus.js';
import { RingBuffer } from './_ring-buffer.js';
import { optionalFunction, optionalPositiveInteger, optionalPositiveNumber } from './_validate.js';
import { AnomalyDetector, type AnomalyDetectorOptions } from './anomaly-detector.js';
import type { ResourceLimits } from './limits.js';
import {
  OperationMetrics,
  type OperationMetricsOptions,
  type PrometheusOptions,
} from './operation-metrics.js';
import { optimalWorkers } from './optimal-workers.js';
import { createResourceGovernor, type Governor, type GovernorStats } from './resource-governor.js';
import { createSnapshotter, type SnapshotterOptions } from './snapshotter.js';

export interface MonitorOptions extends SnapshotterOptions {
  /** Background sampling period, milliseconds; default 1000. The timer is `unref`'d. */
  intervalMs?: number;
  /**
   * Sample in the background; default true. When false, no timer runs and `latest()`
   * samples on demand (seed 000's `auto_start_optimizer=False`).
   */
  autoStart?: boolean;
  /** Snapshots kept in the ring buffer; default 300 (5 minutes at the default interval). */
  historySize?: number;
  /** Governor limits; defaults CPU 80 %, memory 85 %, 4 concurrent heavy operations. */
  limits?: Partial<ResourceLimits>;
  /** Anomaly detection on samples (`cpuPercent`, `memoryPercent`, `eventLoopLagMs`) and operation durations. */
  anomaly?: AnomalyDetectorOptions;
  /** Options of the monitor's `OperationMetrics` (its anomaly detector is the monitor's). */
  metrics?: Omit<OperationMetricsOptions, 'anomalies'>;
  /**
   * Replaces the `/proc` snapshotter as the source of readings (tests, other platforms).
   * Its `timeMs` must come from the same clock as `clock`.
   */
  source?: () => SystemSnapshot;
  /** Receives errors thrown while sampling in the background; default `process.emitWarning`. */
  onError?: (error: unknown) => void;
}

/**
 * A background sampler with history, a resource governor, operation metrics and anomaly
 * detection. It is a `ResourceGovernor` (contracts port) itself; `monitor.metrics` is
 * a `MetricsSink`.
 */
export interface Monitor extends Governor, Disposable, AsyncDisposable {
  /** A fresh reading (not added to the history). */
  snapshot(): SystemSnapshot;
  /** Takes a reading now, adds it to the history and feeds the anomaly detector (the timer calls this). */
  sample(): SystemSnapshot;
  /** The newest sample; samples now if there is none or the newest is older than two intervals. */
  latest(): SystemSnapshot;
  /** The samples in the ring buffer, oldest first. */
  history(): SystemSnapshot[];
  /** Workers for `taskType` from the latest sample (see `optimalWorkers`). */
  optimalWorkers(taskType: TaskType): number;
  admit(request: AdmissionRequest): Admission;
  stats(): GovernorStats;
  readonly governor: Governor;
  readonly metrics: OperationMetrics;
  readonly anomalies: AnomalyDetector;
  /** System gauges, governor counters and operation metrics in Prometheus text format. */
  toPrometheus(options?: PrometheusOptions): string;
  /** Stops the timer and releases the snapshotter. Calling it twice is harmless. */
  dispose(): void;
}

class SamplingMonitor implements Monitor {
  readonly governor: Governor;
  readonly metrics: OperationMetrics;
  readonly anomalies: AnomalyDetector;
  readonly limits: Readonly<ResourceLimits>;
  readonly #source: () => SystemSnapshot;
  readonly #release: (() => void) | undefined;
  readonly #clock: () => number;
  readonly #intervalMs: number;
  readonly #history: RingBuffer<SystemSnapshot>;
  readonly #onError: (error: unknown) => void;
  readonly #timer: NodeJS.Timeout | undefined;
  #disposed = false;

  constructor(options: MonitorOptions) {
    this.#intervalMs = optionalPositiveNumber(options.intervalMs, 'options.intervalMs') ?? 1000;
    this.#history = new RingBuffer(
      optionalPositiveInteger(options.historySize, 'options.historySize') ?? 300,
    );
    this.#clock =
      optionalFunction(options.clock, 'options.clock') ?? (() => performance.timeOrigin + performance.now());
    this.#onError =
      optionalFunction(options.onError, 'options.onError') ??
      ((error) => process.emitWarning(error instanceof Error ? error : String(error)));
    this.anomalies = new AnomalyDetector(options.anomaly);
    this.metrics = new OperationMetrics({ ...options.metrics, anomalies: this.anomalies });
    this.governor = createResourceGovernor({
      snapshot: () => this.latest(),
      limits: options.limits,
      clock: this.#clock,
      sampleIntervalMs: this.#intervalMs,
    });
    this.limits = this.governor.limits;
    const custom = optionalFunction(options.source, 'options.source');
    if (custom === undefined) {
      const snapshotter = createSnapshotter({ ...options, clock: this.#clock });
      this.#source = () => snapshotter.snapshot();
      this.#release = () => snapshotter.dispose();
    } else {
      this.#source = custom;
      this.#release = undefined;
    }
    if (options.autoStart === false) return;
    this.#timer = setInterval(() => {
      try {
        this.sample();
      } catch (error) {
        this.#onError(error);
      }
    }, this.#intervalMs);
    this.#timer.unref();
  }

  #assertOpen(method: string): void {
    if (this.#disposed) throw new ToolboxError(`${method}: the monitor is disposed`);
  }

  snapshot(): SystemSnapshot {
    this.#assertOpen('snapshot()');
    return this.#source();
  }

  sample(): SystemSnapshot {
    const snapshot = this.snapshot();
    this.#history.push(snapshot);
    this.anomalies.observe('cpuPercent', snapshot.cpuPercent);
    this.anomalies.observe('memoryPercent', snapshot.memoryPercent);
    this.anomalies.observe('eventLoopLagMs', snapshot.eventLoopLagMs);
    return snapshot;
  }

  latest(): SystemSnapshot {
    const last = this.#history.last();
    if (last !== undefined && (this.#disposed || this.#clock() - last.timeMs <= 2 * this.#intervalMs))
      return last;
    return this.sample();
  }

  history(): SystemSnapshot[] {
    return this.#history.toArray();
  }

  optimalWorkers(taskType: TaskType): number {
    return optimalWorkers(this.latest(), taskType, this.limits);
  }

  admit(request: AdmissionRequest): Admission {
    this.#assertOpen('admit()');
    return this.governor.admit(request);
  }

  stats(): GovernorStats {
    return this.governor.stats();
  }

  toPrometheus(options: PrometheusOptions = {}): string {
    const operations = this.metrics.toPrometheus(options);
    const prefix = options.prefix ?? 'toolbox_';
    const snapshot = this.latest();
    const stats = this.governor.stats();
    const gauge = (name: string, help: string, value: number): Family => ({
      name: `${prefix}${name}`,
      help,
      type: 'gauge',
      samples: [{ labels: [], value }],
    });
    const [one, five, fifteen] = snapshot.loadAverage;
    const families: Family[] = [
      gauge(
        'system_usable_cores',
        'Cores this process may use (cgroup quota and CPU affinity).',
        snapshot.usableCores,
      ),
      gauge('system_cpu_percent', 'Busy share of the usable cores, 0-100.', snapshot.cpuPercent),
      gauge(
        'process_cpu_percent',
        'CPU time of this process over wall time, percent of one core.',
        snapshot.processCpuPercent,
      ),
      gauge(
        'system_memory_used_bytes',
        'Memory in use (cgroup working set inside a container).',
        snapshot.memoryUsedBytes,
      ),
      gauge(
        'system_memory_available_bytes',
        'Memory still available to this process.',
        snapshot.memoryAvailableBytes,
      ),
      gauge(
        'system_memory_limit_bytes',
        'Effective memory limit (cgroup limit or total RAM).',
        snapshot.memoryLimitBytes,
      ),
      {
        name: `${prefix}system_load_average`,
        help: 'Load average.',
        type: 'gauge',
        samples: [
          { labels: [['window', '1m']], value: one },
          { labels: [['window', '5m']], value: five },
          { labels: [['window', '15m']], value: fifteen },
        ],
      },
      gauge(
        'event_loop_lag_seconds',
        'Mean event-loop delay over the last interval.',
        snapshot.eventLoopLagMs / 1000,
      ),
      {
        name: `${prefix}governor_decisions_total`,
        help: 'Admission decisions of the resource governor.',
        type: 'counter',
        samples: [
          { labels: [['decision', 'go']], value: stats.admitted },
          { labels: [['decision', 'reduce']], value: stats.reduced },
          { labels: [['decision', 'wait']], value: stats.waited },
        ],
      },
      gauge('governor_active_operations', 'Admitted operations not yet released.', stats.active),
      {
        ...gauge('anomalies_total', 'Anomalies flagged by the EWMA detector.', this.anomalies.flaggedCount),
        type: 'counter',
      },
    ];
    return formatFamilies(families) + operations;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearInterval(this.#timer);
    this.#release?.();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
  }
}

/**
 * Creates a monitor: samples every `intervalMs` on an `unref`'d timer into a ring
 * buffer of `historySize`, governs admissions against `limits`, and collects operation
 * metrics and anomalies. Dispose it to stop the timer and close its files.
 */
export function createMonitor(options: MonitorOptions = {}): Monitor {
  return new SamplingMonitor(options);
}
