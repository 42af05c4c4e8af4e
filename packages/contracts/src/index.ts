export type {
  ConvertOptions,
  DenseMatrix,
  MatrixLike,
  NonFinitePolicy,
  WritableMatrixLike,
} from './dense-matrix.js';
export {
  assertDenseMatrix,
  createMatrix,
  fromArray,
  fromMatrixLike,
  isDenseMatrix,
  toArray,
  toMatrixLike,
} from './dense-matrix.js';
export type { ToolboxErrorCode, ToolboxErrorOptions } from './errors.js';
export {
  AbortError,
  CacheError,
  CircuitOpenError,
  InvalidInputError,
  RegistryError,
  ShapeError,
  TaskFailedError,
  TimeoutError,
  ToolboxError,
} from './errors.js';
export type {
  ExecutionMode,
  ExecutionPlan,
  ExecutionRecord,
  PlanSource,
  WorkloadProfile,
} from './execution.js';
export type { MachineFacts } from './machine-fingerprint.js';
export { machineFingerprint } from './machine-fingerprint.js';
export type {
  Admission,
  AdmissionRequest,
  KeyValueStore,
  MetricEvent,
  MetricsSink,
  PlanAdvisor,
  ResourceGovernor,
} from './ports.js';
export type { PressureStall, SystemSnapshot } from './system-snapshot.js';
export type { ResourceProfile, TaskType } from './task-profiles.js';
export { isTaskType, TASK_PROFILES, TASK_TYPES } from './task-profiles.js';
