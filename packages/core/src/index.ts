// What a server or app built on the toolbox needs without depending on the packages below it.
export type { DynamicBatcherOptions, DynamicBatcherStats, ModuleTask } from '@toolbox/executor';
export { builtModule, DynamicBatcher } from '@toolbox/executor';
export type {
  ModelInfo,
  Registry,
  RouteResult,
  Stage,
  TransitionRecord,
  VersionInfo,
} from '@toolbox/registry';
export type {
  OptimizationStats,
  SystemStatus,
  Toolbox,
  ToolboxCacheOptions,
  ToolboxOptions,
} from './create-toolbox.js';
export { createToolbox } from './create-toolbox.js';
export type { Candidate, ModelName } from './fit/candidates.js';
export { MODEL_NAMES } from './fit/candidates.js';
export type { FitTask } from './fit/detect-task.js';
export { detectTask } from './fit/detect-task.js';
export type { FitOptions, FitResult, LeaderboardRow } from './fit/fit.js';
export type { LoadedModel } from './load-model.js';
export type { OperationReport, OptimizeOptions, OptimizeResult } from './optimize-operation.js';
export type { ParallelMath } from './parallel-math.js';
export { PARALLEL_MIN_MULTIPLY_ADDS } from './parallel-math.js';
export type { ToolboxBackend, ToolboxRedisCacheOptions } from './scale-out.js';
