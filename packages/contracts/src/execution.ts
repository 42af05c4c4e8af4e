import type { SystemSnapshot } from './system-snapshot.js';
import type { TaskType } from './task-profiles.js';

/** What the planner measured or was told about a job. */
export interface WorkloadProfile {
  /** Number of items in the job. */
  itemCount: number;
  /** Median time to process one item, milliseconds. */
  itemTimeMs: number;
  /** Coefficient of variation of the per-item time (stddev / mean), 0 for uniform work. */
  itemTimeCv: number;
  /** Serialized input size per item, bytes. */
  inputBytesPerItem: number;
  /** Serialized output size per item, bytes. */
  outputBytesPerItem: number;
  /** Cost of moving one item to a worker and its result back, milliseconds. */
  serializationMsPerItem: number;
  /** CPU time over wall time while processing an item: ~1 for CPU-bound, ~0 for IO-bound. */
  cpuRatio: number;
  taskType: TaskType;
}

/** How the work runs: on the calling thread, on worker threads, or as concurrent promises. */
export type ExecutionMode = 'serial' | 'threads' | 'async';

/** Where a plan came from. */
export type PlanSource = 'dry-run' | 'history' | 'model' | 'user';

/** A decision about how to run a job; every plan explains itself in `reason`. */
export interface ExecutionPlan {
  mode: ExecutionMode;
  /** Worker threads (mode `threads`), else 1. */
  workers: number;
  /** Items sent to a worker per task. */
  chunkSize: number;
  /** Upper bound on items (or chunks) in flight at once. */
  maxInFlight: number;
  /** Predicted serial time / planned time. */
  estimatedSpeedup: number;
  /** How much the plan can be trusted, 0–1. */
  confidence: number;
  source: PlanSource;
  /** The choice, in words a user understands. */
  reason: string;
  warnings: string[];
}

/** A finished run: what was planned and what happened. */
export interface ExecutionRecord {
  /** Machine fingerprint of where it ran (CPU model, cores, memory limit, Node major). */
  machine: string;
  profile: WorkloadProfile;
  /** The machine's state when the job was planned (what an advisor keys its features on). */
  snapshot?: SystemSnapshot;
  plan: ExecutionPlan;
  /** Wall time of the whole job, milliseconds. */
  wallTimeMs: number;
  /**
   * Serial time / `wallTimeMs`: with threads, the time the items took on the workers (and
   * in the dry run) over the wall time; 1 when the job ran serially; for async work, the
   * dry run's mean item time times the items over the wall time.
   */
  measuredSpeedup: number;
  /** When it finished, milliseconds since the epoch. */
  finishedAtMs: number;
  ok: boolean;
}
