import { availableParallelism } from 'node:os';
import { type CgroupLocation, discoverCgroup } from './_cgroup.js';

export interface UsableCoresOptions extends CgroupLocation {
  /** Cores the scheduler lets this process use; default `os.availableParallelism()` (CPU affinity). */
  parallelism?: number;
}

/** The limits the cgroup of this process sets. */
export interface CgroupLimits {
  /** 2 (unified), 1 (per-controller hierarchies) or `undefined` when no cgroup files were found. */
  version: 1 | 2 | undefined;
  /** CPU quota in cores (e.g. 1.5), `undefined` when unlimited. */
  cpuQuotaCores: number | undefined;
  /** Memory limit in bytes, `undefined` when unlimited. */
  memoryLimitBytes: number | undefined;
}

/**
 * The cgroup limits of this process: its own cgroup is resolved from
 * `/proc/self/cgroup` and the tightest limit on the way up to the root wins.
 */
export function cgroupLimits(location: CgroupLocation = {}): CgroupLimits {
  const { version, cpuQuotaCores, memoryLimitBytes } = discoverCgroup(location);
  return { version, cpuQuotaCores, memoryLimitBytes };
}

/**
 * The CPU quota of the cgroup, in cores, or `undefined` when unlimited.
 * v2: `cpu.max` is `"<quota> <period>"` or `"max <period>"`;
 * v1: `cpu.cfs_quota_us` (-1 when unlimited) over `cpu.cfs_period_us`.
 *
 * @param cgroupRoot where the cgroup filesystem is mounted; default `/sys/fs/cgroup`.
 * @param location.procRoot where procfs is mounted; default `/proc`.
 */
export function cgroupCpuQuota(
  cgroupRoot?: string,
  location: Omit<CgroupLocation, 'cgroupRoot'> = {},
): number | undefined {
  return discoverCgroup({ ...location, cgroupRoot }).cpuQuotaCores;
}

/** Cores from a quota and the scheduler's parallelism: the quota rounded up, at least 1, at most the parallelism. */
export function coresFromQuota(quotaCores: number | undefined, parallelism: number): number {
  if (quotaCores === undefined) return parallelism;
  return Math.max(1, Math.min(parallelism, Math.ceil(quotaCores)));
}

/**
 * Cores this process can really use: the smaller of the cgroup CPU quota (rounded
 * up, at least 1) and the scheduler's parallelism (CPU affinity).
 */
export function usableCores(options: UsableCoresOptions = {}): number {
  const parallelism = options.parallelism ?? availableParallelism();
  return coresFromQuota(cgroupCpuQuota(options.cgroupRoot, { procRoot: options.procRoot }), parallelism);
}
