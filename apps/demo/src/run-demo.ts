import { cpus } from 'node:os';
import { TASK_PROFILES, TASK_TYPES } from '@toolbox/contracts';
import { createToolbox } from '@toolbox/core';
import { cgroupCpuQuota } from '@toolbox/monitor';

export interface DemoOptions {
  /** Print machine-readable JSON instead of text. */
  json: boolean;
  write: (text: string) => void;
}

const GIB = 1024 ** 3;

const COMING = [
  'plan and run a CPU-heavy feature-engineering map, with the plan, its reason and the speedup over serial',
  "run it again on the advisor's instant plan",
  'memoised preprocessing, cold vs warm',
  'fit with parallel cross-validation on the five shipped datasets, with a leaderboard',
  'register, promote and A/B-route the best model; batched inference',
  'a self-contained dashboard.html',
];

/** Profiles the machine and says what the demo will do once the packages land. */
export async function runDemo(options: DemoOptions): Promise<void> {
  await using toolbox = createToolbox();
  const status = toolbox.getSystemStatus();
  const quota = cgroupCpuQuota();
  const profile = {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    usableCores: status.usableCores,
    cgroupCpuQuotaCores: quota ?? null,
    memoryPercent: Number(status.memoryPercent.toFixed(1)),
    optimalWorkers: status.optimalWorkers,
    limits: status.limits,
  };
  if (options.json) {
    options.write(
      `${JSON.stringify({ machine: profile, taskProfiles: TASK_PROFILES, coming: COMING }, null, 2)}\n`,
    );
    return;
  }
  const lines = [
    'Toolbox demo',
    '',
    'Machine',
    `  CPU            ${profile.cpuModel}`,
    `  usable cores   ${profile.usableCores}${quota === undefined ? ' (no cgroup CPU quota)' : ` (cgroup quota ${quota} cores)`}`,
    `  memory in use  ${profile.memoryPercent}%`,
    `  workers        ${profile.optimalWorkers} for a generic CPU-bound job`,
    `  governor       CPU ≤ ${profile.limits.maxCpuPercent}%, memory ≤ ${profile.limits.maxMemoryPercent}%, ≤ ${profile.limits.maxHeavyOperations} heavy operations`,
    '',
    'Task profiles (CPU share, memory budget)',
    ...TASK_TYPES.map((type) => {
      const { cpuShare, memoryBytes, heavy } = TASK_PROFILES[type];
      return `  ${type.padEnd(22)} ${String(Math.round(cpuShare * 100)).padStart(3)}%  ${(memoryBytes / GIB).toFixed(2)} GiB${heavy ? '  heavy' : ''}`;
    }),
    '',
    'Coming as the packages land:',
    ...COMING.map((step) => `  - ${step}`),
    '',
  ];
  options.write(lines.join('\n'));
}
