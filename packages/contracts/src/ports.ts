import type { ExecutionPlan, ExecutionRecord, WorkloadProfile } from './execution.js';
import type { SystemSnapshot } from './system-snapshot.js';
import type { TaskType } from './task-profiles.js';

/**
 * Proposes plans from past runs (implemented by @toolbox/predictor, used by
 * @toolbox/executor). `suggest` returns `undefined` to decline, and the executor measures.
 */
export interface PlanAdvisor {
  suggest(profile: WorkloadProfile, snapshot: SystemSnapshot): ExecutionPlan | undefined;
  record(execution: ExecutionRecord): void;
}

/** One observation delivered to a metrics sink. */
export interface MetricEvent {
  /** Operation or metric name, e.g. `'executor.map'`, `'cache.get'`. */
  name: string;
  /** Duration, milliseconds. */
  durationMs: number;
  ok: boolean;
  /** Bytes processed, when meaningful. */
  bytes?: number;
  /** Free-form low-cardinality labels. */
  labels?: Readonly<Record<string, string>>;
}

/** Receives operation metrics (implemented by @toolbox/monitor). */
export interface MetricsSink {
  observe(event: MetricEvent): void;
}

/** What the governor needs to know about an operation asking to start. */
export interface AdmissionRequest {
  taskType: TaskType;
  /** Workers the operation would like to use. */
  workers?: number;
}

/** The governor's answer: start now, wait, or start with fewer workers. */
export type Admission =
  | { decision: 'go'; release: () => void }
  | { decision: 'wait'; retryAfterMs: number; reason: string }
  | { decision: 'reduce'; workers: number; reason: string; release: () => void };

/** Keeps work within CPU, memory and concurrency limits (implemented by @toolbox/monitor). */
export interface ResourceGovernor {
  snapshot(): SystemSnapshot;
  admit(request: AdmissionRequest): Admission;
}

/** A byte-valued store with optional expiry: cache tiers, the registry's artifact cache. */
export interface KeyValueStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<boolean>;
  has(key: string): Promise<boolean>;
  clear(): Promise<void>;
  dispose(): Promise<void>;
}
