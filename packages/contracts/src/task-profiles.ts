/** What kind of work an operation is; selects its resource profile. */
export type TaskType =
  | 'data-preprocessing'
  | 'model-training'
  | 'model-prediction'
  | 'feature-engineering'
  | 'hyperparameter-tuning'
  | 'ensemble'
  | 'evaluation'
  | 'io'
  | 'generic';

/** Every `TaskType`, in a stable order (for validation and iteration). */
export const TASK_TYPES: readonly TaskType[] = [
  'data-preprocessing',
  'model-training',
  'model-prediction',
  'feature-engineering',
  'hyperparameter-tuning',
  'ensemble',
  'evaluation',
  'io',
  'generic',
];

/** The resources an operation of one task type may use. */
export interface ResourceProfile {
  /** Share of the usable CPU the operation may occupy, 0–1. */
  cpuShare: number;
  /** Memory budget in bytes. */
  memoryBytes: number;
  /**
   * A heavy ML operation: counted against the governor's cap on concurrent heavy
   * operations (seed 002: at most 4 at once).
   */
  heavy: boolean;
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

/**
 * Per task type CPU share and memory budget. The seven ML profiles are seed 000's
 * (e.g. model training 80 % / 4 GB); `io` and `generic` are Toolbox's own: IO work
 * barely uses CPU, generic work gets a middle profile.
 */
export const TASK_PROFILES: Readonly<Record<TaskType, Readonly<ResourceProfile>>> = {
  'data-preprocessing': { cpuShare: 0.7, memoryBytes: 2 * GB, heavy: false },
  'model-training': { cpuShare: 0.8, memoryBytes: 4 * GB, heavy: true },
  'model-prediction': { cpuShare: 0.6, memoryBytes: 1 * GB, heavy: false },
  'feature-engineering': { cpuShare: 0.65, memoryBytes: 1.5 * GB, heavy: false },
  'hyperparameter-tuning': { cpuShare: 0.75, memoryBytes: 3 * GB, heavy: true },
  ensemble: { cpuShare: 0.85, memoryBytes: 5 * GB, heavy: true },
  evaluation: { cpuShare: 0.5, memoryBytes: 512 * MB, heavy: false },
  io: { cpuShare: 0.1, memoryBytes: 256 * MB, heavy: false },
  generic: { cpuShare: 0.5, memoryBytes: 1 * GB, heavy: false },
};

/** True when `value` is one of the `TaskType` strings. */
export function isTaskType(value: unknown): value is TaskType {
  return typeof value === 'string' && (TASK_TYPES as readonly string[]).includes(value);
}
