export type { CircuitBreakerOptions, CircuitState } from './circuit-breaker.js';
export { CircuitBreaker } from './circuit-breaker.js';
