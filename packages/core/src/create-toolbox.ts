import { cpus } from 'node:os';
import { type Cache, createCache } from '@toolbox/cache';
import { InvalidInputError, machineFingerprint } from '@toolbox/contracts';
import { builtModule, createExecutor, type Executor } from '@toolbox/executor';
import {
  createMonitor,
  type Monitor,
  type MonitorOptions,
  type OperationMetricsJSON,
  type ResourceLimits,
} from '@toolbox/monitor';
import { createPlanAdvisor, type LearnedPlanAdvisor } from '@toolbox/predictor';
import { openRegistry, type Registry } from '@toolbox/registry';
import { type FitOptions, type FitResult, fit } from './fit/fit.js';
import { type LoadedModel, loadModel } from './load-model.js';
import { createOperationRunner, type OptimizeOptions, type OptimizeResult } from './optimize-operation.js';
import { createParallelMath, type ParallelMath } from './parallel-math.js';
import {
  backendCalls,
  lazyRedisStore,
  type ToolboxBackend,
  type ToolboxRedisCacheOptions,
} from './scale-out.js';

export interface ToolboxCacheOptions {
  /** Memory tier budget, bytes; default 256 MiB. */
  maxBytes?: number;
  /** Directory of the disk tier; default none (memory only). */
  dir?: string;
  /** Disk tier size cap, bytes; default 1 GiB. */
  diskMaxBytes?: number;
  /** Default time to live, milliseconds; default no expiry. */
  ttlMs?: number;
  /** Shared Redis tier under memory and disk (`@toolbox/cache/redis`; install `ioredis`); default none. */
  redis?: ToolboxRedisCacheOptions;
}

export interface ToolboxOptions {
  /** Above this CPU percentage new work is reduced or waits; default 80. */
  maxCpuPercent?: number;
  /** Above this memory percentage new work waits; default 85. */
  maxMemoryPercent?: number;
  /** Most heavy ML operations at once; default 4. */
  maxConcurrentHeavy?: number;
  /** Result cache for `optimizeOperation({ cache: true })`; `false` turns it off. Default: 256 MiB in memory. */
  cache?: ToolboxCacheOptions | false;
  /** Sample the machine in the background; default true. */
  autoStart?: boolean;
  /** Model registry for `fit({ register })`; default none. */
  registry?: { dir: string } | false;
  /**
   * Plan advisor that learns from every job; `dir` defaults to `$XDG_CACHE_HOME/toolbox`
   * (else `~/.cache/toolbox`); `false` turns it off. Default on.
   */
  advisor?: { dir?: string } | false;
  /** Upper bound on worker threads; default the usable cores. */
  maxWorkers?: number;
  /** Monitor settings: sampling period, history, anomaly detection, or a custom reading `source`. */
  monitor?: Pick<MonitorOptions, 'intervalMs' | 'historySize' | 'anomaly' | 'source'>;
  /**
   * Where `map`, `stream` and `run` execute: `{ type: 'bullmq', connection }` sends chunks
   * through Redis to `toolbox-worker` processes (`@toolbox/executor/bullmq`; install
   * `bullmq`). Default `{ type: 'local' }`. `fit` and `math` stay on this machine.
   */
  backend?: ToolboxBackend;
}

/** The machine and the governor's limits, now. */
export interface SystemStatus {
  cpuPercent: number;
  memoryPercent: number;
  usableCores: number;
  /** Workers a generic CPU-bound job should use now. */
  optimalWorkers: number;
  limits: Readonly<ResourceLimits>;
}

export interface OptimizationStats {
  tasksOptimized: number;
  tasksThrottled: number;
  cacheHits: number;
  cacheMisses: number;
  /** cacheHits / (cacheHits + cacheMisses), 0 before any cached call. */
  cacheHitRate: number;
  /** Per operation: count, errors, duration quantiles, throughput. */
  operations: OperationMetricsJSON;
}

export interface Toolbox extends AsyncDisposable {
  /** The monitor: snapshots, history, governor, metrics, anomalies, Prometheus text. */
  readonly monitor: Monitor;
  /** The result cache, when enabled. */
  readonly cache: Cache | undefined;
  /** The executor, wired to the governor, the advisor and the metrics. */
  readonly executor: Executor;
  /** The plan advisor, when enabled. */
  readonly advisor: LearnedPlanAdvisor | undefined;
  /** The model registry, when configured. */
  readonly registry: Registry | undefined;
  /** Math kernels fanned out over the workers where it pays (large `matmul`). */
  readonly math: ParallelMath;
  /** `executor.map` with everything pre-wired: planned (advisor, then dry run), governed, measured. */
  map: Executor['map'];
  /** `executor.stream`: ordered results, pulling from the source only as they are consumed. */
  stream: Executor['stream'];
  /** `executor.run`: one call. */
  run: Executor['run'];
  /**
   * Detects the task, cross-validates candidate pipelines in parallel, refits the best,
   * caches the result by content and registers it when asked.
   */
  fit(X: Parameters<typeof fit>[1], y: ArrayLike<number>, options?: FitOptions): Promise<FitResult>;
  /**
   * Restores a registered model: `reference` is a version, alias, stage or `latest`
   * (default `production`). Throws `InvalidInputError` without a registry, `RegistryError`
   * for an unknown model or version or an artifact that is not a fitted model.
   */
  loadModel(name: string, reference?: string): LoadedModel;
  /**
   * Runs `fn(...args)` under the governor (waits or is reduced when over limits, and
   * counts it), memoised when `cache` is on, with metrics; returns the value and a report.
   */
  optimizeOperation<A extends unknown[], R>(
    name: string,
    fn: (...args: A) => R | Promise<R>,
    options?: OptimizeOptions<A>,
  ): Promise<OptimizeResult<Awaited<R>>>;
  getOptimizationStats(): OptimizationStats;
  getSystemStatus(): SystemStatus;
  /** Stops the workers and the sampler, flushes the advisor, closes the registry and the cache. Calling it twice is harmless. */
  dispose(): Promise<void>;
}

const MIB = 1024 ** 2;

function checkPercent(value: number | undefined, name: string): number | undefined {
  if (value !== undefined && !(value > 0 && value <= 100)) {
    throw new InvalidInputError(`options.${name} must be a percentage in (0, 100], got ${value}`, {
      details: { argument: `options.${name}`, value },
    });
  }
  return value;
}

/** Creates a toolbox: nothing global, two toolboxes in one process are independent. */
export function createToolbox(options: ToolboxOptions = {}): Toolbox {
  const maxCpuPercent = checkPercent(options.maxCpuPercent, 'maxCpuPercent') ?? 80;
  const maxMemoryPercent = checkPercent(options.maxMemoryPercent, 'maxMemoryPercent') ?? 85;
  const maxHeavyOperations = options.maxConcurrentHeavy ?? 4;
  if (!Number.isSafeInteger(maxHeavyOperations) || maxHeavyOperations < 1) {
    throw new InvalidInputError(
      `options.maxConcurrentHeavy must be a positive integer, got ${maxHeavyOperations}`,
      {
        details: { argument: 'options.maxConcurrentHeavy', value: maxHeavyOperations },
      },
    );
  }
  const cacheOptions = options.cache ?? {};
  const monitor = createMonitor({
    ...options.monitor,
    limits: { maxCpuPercent, maxMemoryPercent, maxHeavyOperations },
    autoStart: options.autoStart ?? true,
  });
  const remote =
    cacheOptions === false || cacheOptions.redis === undefined
      ? undefined
      : lazyRedisStore(cacheOptions.redis, cacheOptions.ttlMs);
  const cache =
    cacheOptions === false
      ? undefined
      : createCache({
          remote,
          maxBytes: cacheOptions.maxBytes ?? 256 * MIB,
          ttlMs: cacheOptions.ttlMs,
          disk:
            cacheOptions.dir === undefined
              ? undefined
              : {
                  dir: cacheOptions.dir,
                  maxBytes: cacheOptions.diskMaxBytes ?? 1024 * MIB,
                  ttlMs: cacheOptions.ttlMs,
                },
        });
  const runner = createOperationRunner({ governor: monitor, metrics: monitor.metrics, cache });
  const facts = monitor.snapshot();
  const advisor =
    options.advisor === false
      ? undefined
      : createPlanAdvisor({
          dir: options.advisor?.dir,
          fingerprint: machineFingerprint({
            cpuModel: cpus()[0]?.model ?? 'unknown',
            cores: facts.usableCores,
            memoryLimitBytes: facts.memoryLimitBytes,
            nodeMajor: Number(process.versions.node.split('.')[0]),
          }),
        });
  const executor = createExecutor({
    maxWorkers: options.maxWorkers,
    governor: monitor,
    advisor,
    metrics: monitor.metrics,
  });
  const calls = backendCalls(options.backend, executor, monitor.metrics);
  const registry = options.registry ? openRegistry({ dir: options.registry.dir }) : undefined;
  const foldTask = { module: builtModule(import.meta.url, 'fit-worker.js'), export: 'evaluateFold' };
  let disposed: Promise<void> | undefined;

  const toolbox: Toolbox = {
    monitor,
    cache,
    executor,
    advisor,
    registry,
    math: createParallelMath(executor, () => monitor.latest().usableCores),
    map: calls.map,
    stream: calls.stream,
    run: calls.run,
    fit: (X, y, fitOptions) => fit({ executor, cache, registry, foldTask }, X, y, fitOptions),
    loadModel: (name, reference) => loadModel(registry, name, reference),
    optimizeOperation: runner.optimizeOperation,
    getOptimizationStats() {
      const counters = runner.counters();
      const lookups = counters.cacheHits + counters.cacheMisses;
      return {
        ...counters,
        cacheHitRate: lookups === 0 ? 0 : counters.cacheHits / lookups,
        operations: monitor.metrics.toJSON(),
      };
    },
    getSystemStatus() {
      const snapshot = monitor.latest();
      return {
        cpuPercent: snapshot.cpuPercent,
        memoryPercent: snapshot.memoryPercent,
        usableCores: snapshot.usableCores,
        optimalWorkers: monitor.optimalWorkers('generic'),
        limits: monitor.limits,
      };
    },
    dispose() {
      disposed ??= (async () => {
        await Promise.all([executor.dispose(), calls.dispose()]);
        advisor?.dispose();
        registry?.close();
        monitor.dispose();
        await cache?.dispose();
        await remote?.dispose();
      })();
      return disposed;
    },
    [Symbol.asyncDispose]: () => toolbox.dispose(),
  };
  return toolbox;
}
