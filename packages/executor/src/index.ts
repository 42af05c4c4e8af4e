export { builtModule } from './built-module.js';
export type { CircuitBreakerOptions, CircuitState } from './circuit-breaker.js';
export { CircuitBreaker } from './circuit-breaker.js';
export type {
  DynamicBatcherOptions,
  DynamicBatcherStats,
  SubmitOptions,
} from './dynamic-batcher.js';
export { DynamicBatcher } from './dynamic-batcher.js';
export type { Executor } from './executor.js';
export { createExecutor } from './executor.js';
export type * from './types.js';
