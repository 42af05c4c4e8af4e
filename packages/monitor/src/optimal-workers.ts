import type { SystemSnapshot, TaskType } from '@toolbox/contracts';
import { InvalidInputError, isTaskType, TASK_PROFILES } from '@toolbox/contracts';
import { DEFAULT_LIMITS, type ResourceLimits } from './limits.js';
import { otherCpuPercent } from './other-cpu-percent.js';

/**
 * Workers for an operation of `taskType` given a snapshot (seed 000's rule, cgroup-aware):
 * - CPU: the task's share of the usable cores, rounded up (`ceil(cores · cpuShare)`);
 *   when other processes keep the CPU above `maxCpuPercent`, the excess is taken off
 *   (`ceil(cores · (cpu% − max%) / 100)` fewer);
 * - memory: when less memory is available than the task's budget, the workers are
 *   scaled by available / budget;
 * always at least 1.
 */
export function optimalWorkers(
  snapshot: SystemSnapshot,
  taskType: TaskType,
  limits: Pick<ResourceLimits, 'maxCpuPercent'> = DEFAULT_LIMITS,
): number {
  if (!isTaskType(taskType))
    throw new InvalidInputError(
      `taskType must be one of the TaskType names, got ${JSON.stringify(taskType)}`,
      {
        details: { argument: 'taskType', value: taskType },
      },
    );
  const profile = TASK_PROFILES[taskType];
  const cores = snapshot.usableCores;
  let workers = Math.ceil(cores * profile.cpuShare);
  const cpuPercent = otherCpuPercent(snapshot);
  if (cpuPercent > limits.maxCpuPercent)
    workers -= Math.ceil((cores * (cpuPercent - limits.maxCpuPercent)) / 100);
  if (snapshot.memoryAvailableBytes < profile.memoryBytes)
    workers = Math.floor((workers * snapshot.memoryAvailableBytes) / profile.memoryBytes);
  return Math.max(1, workers);
}
