export type {
  AnomalyDetectorOptions,
  AnomalyEvent,
  AnomalyListener,
  SeriesState,
} from './anomaly-detector.js';
export { AnomalyDetector, createAnomalyDetector } from './anomaly-detector.js';
export type { HistogramOptions } from './histogram.js';
export { LogHistogram } from './histogram.js';
export type { ResourceLimits } from './limits.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { Monitor, MonitorOptions } from './monitor.js';
export { createMonitor } from './monitor.js';
export type {
  OperationMetricsJSON,
  OperationMetricsOptions,
  OperationStats,
  PrometheusOptions,
  StopTimer,
} from './operation-metrics.js';
export { createOperationMetrics, OperationMetrics } from './operation-metrics.js';
export { optimalWorkers } from './optimal-workers.js';
export { otherCpuPercent } from './other-cpu-percent.js';
export type { Governor, GovernorStats, ResourceGovernorOptions } from './resource-governor.js';
export { createResourceGovernor } from './resource-governor.js';
export type { Snapshotter, SnapshotterOptions } from './snapshotter.js';
export { createSnapshotter } from './snapshotter.js';
export type { StaticInfo, StaticInfoOptions, StaticInfoSource } from './static-info.js';
export { createStaticInfoReader, staticInfo } from './static-info.js';
export type { CgroupLimits, UsableCoresOptions } from './usable-cores.js';
export { cgroupCpuQuota, cgroupLimits, usableCores } from './usable-cores.js';
