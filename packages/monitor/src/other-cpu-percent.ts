import type { SystemSnapshot } from '@toolbox/contracts';

/**
 * CPU busy share (0–100 % of the usable cores) taken by everything except this
 * process: `cpuPercent − processCpuPercent / usableCores`.
 *
 * The governor throttles on this, not on the total: a job that keeps its own workers
 * busy would otherwise push the CPU over the limit and throttle itself between its own
 * chunks. This process's own parallelism is bounded by the executor's worker count and
 * the heavy-operation cap. `NaN` (no reading yet) stays `NaN`, which never throttles.
 */
export function otherCpuPercent(snapshot: SystemSnapshot): number {
  const own = Number.isFinite(snapshot.processCpuPercent)
    ? snapshot.processCpuPercent / snapshot.usableCores
    : 0;
  return Math.min(100, Math.max(0, snapshot.cpuPercent - own));
}
