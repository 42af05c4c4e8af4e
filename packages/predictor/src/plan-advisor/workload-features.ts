import type { SystemSnapshot, TaskType, WorkloadProfile } from '@toolbox/contracts';

/** Number of numeric features per workload. */
export const FEATURE_COUNT = 6;

/** Extra distance between two workloads of different task types. */
export const TASK_TYPE_DISTANCE = 0.5;

const clamp01 = (value: number) => (value < 0 ? 0 : value > 1 ? 1 : Number.isFinite(value) ? value : 0);
const log10Safe = (value: number) => Math.log10(Math.max(value, 1e-12));

/**
 * CPU/wall saturating at 0.1: a CPU-bound job measured at 0.3, or lower still, on an
 * oversubscribed machine (its thread preempted; seen in CI with many test processes on
 * two cores) is the same job as at 1.0, while IO-bound work (waiting, ~0.01) stays
 * near 0.
 */
const cpuBoundness = (cpuRatio: number) => clamp01(10 * cpuRatio);

/**
 * Normalised features of a workload on a machine, each in [0, 1]:
 * log item count (1 … 1e7), log per-item time (0.1 µs … 1 s), log bytes moved per
 * item (1 B … 1 GB), CPU-boundness (CPU/wall ratio, saturating at 0.1), usable cores
 * (1 … 64) and log free memory (64 MB … 1 TB). Log scales, because a workload twice as large is as "near" at any size.
 */
export function workloadFeatures(profile: WorkloadProfile, snapshot: SystemSnapshot): Float64Array {
  const features = new Float64Array(FEATURE_COUNT);
  features[0] = clamp01(log10Safe(profile.itemCount) / 7);
  features[1] = clamp01((log10Safe(profile.itemTimeMs * 1000) + 1) / 7);
  features[2] = clamp01(log10Safe(profile.inputBytesPerItem + profile.outputBytesPerItem + 1) / 9);
  features[3] = cpuBoundness(profile.cpuRatio);
  features[4] = clamp01((snapshot.usableCores - 1) / 63);
  features[5] = clamp01((log10Safe(snapshot.memoryAvailableBytes) - log10Safe(64 * 1024 ** 2)) / 4.2);
  return features;
}

/** Euclidean distance between two feature vectors, plus a penalty when the task types differ. */
export function featureDistance(
  a: ArrayLike<number>,
  aType: TaskType,
  b: ArrayLike<number>,
  bType: TaskType,
): number {
  let sum = 0;
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const delta = (a[i] as number) - (b[i] as number);
    sum += delta * delta;
  }
  return Math.sqrt(sum) + (aType === bType ? 0 : TASK_TYPE_DISTANCE);
}

/**
 * The exact-workload key: the workload's features rounded to buckets (item count and
 * item time to a factor of ~1.4, bytes to a factor of 2, CPU ratio to tenths), the
 * task type and the usable cores. Two runs with one key are "the same job again".
 */
export function workloadKey(profile: WorkloadProfile, snapshot: SystemSnapshot): string {
  const bucket = (value: number, perDoubling: number) =>
    Math.round(Math.log2(Math.max(value, 1e-9)) * perDoubling);
  return [
    profile.taskType,
    bucket(profile.itemCount, 2),
    bucket(profile.itemTimeMs, 2),
    bucket(profile.inputBytesPerItem + profile.outputBytesPerItem + 1, 1),
    Math.round(cpuBoundness(profile.cpuRatio) * 10),
    snapshot.usableCores,
  ].join(':');
}
