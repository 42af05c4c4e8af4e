/** The facts that decide whether a plan learned on one machine applies on another. */
export interface MachineFacts {
  cpuModel: string;
  /** Usable cores (cgroup quota and CPU affinity applied). */
  cores: number;
  /** Effective memory limit in bytes (the cgroup limit inside a container). */
  memoryLimitBytes: number;
  /** Major version of Node.js. */
  nodeMajor: number;
}

/**
 * A readable, stable id of a machine, e.g. `"AMD EPYC 7B13|2 cores|24.00 GiB|node 20"`.
 * Memory is rounded to 256 MiB so that a limit reported a few pages differently still
 * matches. The executor stamps it on every `ExecutionRecord`; the plan advisor keys its
 * history by it, so a plan learned on one machine is never used on another.
 */
export function machineFingerprint(facts: MachineFacts): string {
  const quarterGiB = Math.round(facts.memoryLimitBytes / (256 * 1024 ** 2)) / 4;
  const cpu = facts.cpuModel.trim().replace(/\s+/g, ' ').replaceAll('|', '/') || 'unknown CPU';
  return `${cpu}|${facts.cores} cores|${quarterGiB.toFixed(2)} GiB|node ${facts.nodeMajor}`;
}
