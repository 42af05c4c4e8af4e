import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupCpuQuota, usableCores } from './usable-cores.js';

function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'toolbox-cgroup-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('usableCores', () => {
  it('takes the cgroup v2 quota when it is below the parallelism', () => {
    const cgroupRoot = fixture({ 'cpu.max': '150000 100000\n' });
    expect(cgroupCpuQuota(cgroupRoot)).toBe(1.5);
    expect(usableCores({ cgroupRoot, parallelism: 8 })).toBe(2);
  });

  it('ignores an unlimited v2 quota', () => {
    const cgroupRoot = fixture({ 'cpu.max': 'max 100000\n' });
    expect(cgroupCpuQuota(cgroupRoot)).toBeUndefined();
    expect(usableCores({ cgroupRoot, parallelism: 4 })).toBe(4);
  });

  it('reads cgroup v1 quota and period, and -1 as unlimited', () => {
    const limited = fixture({ 'cpu/cpu.cfs_quota_us': '300000', 'cpu/cpu.cfs_period_us': '100000' });
    expect(usableCores({ cgroupRoot: limited, parallelism: 16 })).toBe(3);
    const unlimited = fixture({ 'cpu/cpu.cfs_quota_us': '-1', 'cpu/cpu.cfs_period_us': '100000' });
    expect(usableCores({ cgroupRoot: unlimited, parallelism: 16 })).toBe(16);
  });

  it('falls back to the parallelism without any cgroup, and never goes below 1', () => {
    expect(usableCores({ cgroupRoot: fixture({}), parallelism: 6 })).toBe(6);
    const tiny = fixture({ 'cpu.max': '10000 100000' });
    expect(usableCores({ cgroupRoot: tiny, parallelism: 6 })).toBe(1);
  });

  it('never exceeds the parallelism', () => {
    const wide = fixture({ 'cpu.max': '3200000 100000' });
    expect(usableCores({ cgroupRoot: wide, parallelism: 2 })).toBe(2);
  });
});
