import { availableParallelism, cpus, totalmem } from 'node:os';
import { type MachineFacts, machineFingerprint } from '@toolbox/contracts';

/** This machine's fingerprint from `node:os` (callers with cgroup-aware facts pass their own to contracts' `machineFingerprint`). */
export function currentMachineFingerprint(): string {
  const facts: MachineFacts = {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryLimitBytes: totalmem(),
    nodeMajor: Number(process.versions.node.split('.')[0]),
  };
  return machineFingerprint(facts);
}
