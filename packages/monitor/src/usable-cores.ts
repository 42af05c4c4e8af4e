import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export interface UsableCoresOptions {
  /** Where the cgroup filesystem is mounted; default `/sys/fs/cgroup` (tests point it at fixtures). */
  cgroupRoot?: string;
  /** Cores the scheduler lets this process use; default `os.availableParallelism()`. */
  parallelism?: number;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The CPU quota of the cgroup, in cores, or `undefined` when unlimited.
 * v2: `cpu.max` is `"<quota> <period>"` or `"max <period>"`;
 * v1: `cpu.cfs_quota_us` (-1 when unlimited) over `cpu.cfs_period_us`.
 */
export function cgroupCpuQuota(cgroupRoot = '/sys/fs/cgroup'): number | undefined {
  const v2 = readText(join(cgroupRoot, 'cpu.max'));
  if (v2 !== undefined) {
    const [quota, period] = v2.split(/\s+/);
    if (quota === undefined || quota === 'max') return undefined;
    const cores = Number(quota) / Number(period ?? 100_000);
    return Number.isFinite(cores) && cores > 0 ? cores : undefined;
  }
  const quota = Number(readText(join(cgroupRoot, 'cpu', 'cpu.cfs_quota_us')));
  const period = Number(readText(join(cgroupRoot, 'cpu', 'cpu.cfs_period_us')));
  if (!Number.isFinite(quota) || quota <= 0 || !Number.isFinite(period) || period <= 0) return undefined;
  return quota / period;
}

/**
 * Cores this process can really use: the smaller of the cgroup CPU quota (rounded
 * up, at least 1) and the scheduler's parallelism (CPU affinity).
 */
export function usableCores(options: UsableCoresOptions = {}): number {
  const parallelism = options.parallelism ?? availableParallelism();
  const quota = cgroupCpuQuota(options.cgroupRoot);
  if (quota === undefined) return parallelism;
  return Math.max(1, Math.min(parallelism, Math.ceil(quota)));
}
