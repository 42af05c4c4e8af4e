import { createHash } from 'node:crypto';
import { availableParallelism, cpus, totalmem } from 'node:os';

export interface MachineFacts {
  cpuModel: string;
  /** Usable cores (cgroup quota and affinity applied, when the caller knows them). */
  cores: number;
  /** Effective memory limit in bytes (the cgroup limit inside a container). */
  memoryLimitBytes: number;
  nodeMajor: number;
}

/** This machine's facts from `node:os` (callers with cgroup-aware numbers pass their own). */
export function currentMachineFacts(): MachineFacts {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryLimitBytes: totalmem(),
    nodeMajor: Number(process.versions.node.split('.')[0]),
  };
}

/**
 * A short stable id of a machine (CPU model, cores, memory limit, Node major), so a
 * plan learned on one machine is never used on another. Memory is rounded to 256 MiB
 * so that a limit reported a few pages differently still matches.
 */
export function machineFingerprint(facts: MachineFacts = currentMachineFacts()): string {
  const memoryQuarterGiB = Math.round(facts.memoryLimitBytes / (256 * 1024 ** 2));
  return createHash('sha256')
    .update(`${facts.cpuModel}|${facts.cores}|${memoryQuarterGiB}|node${facts.nodeMajor}`)
    .digest('hex')
    .slice(0, 16);
}
