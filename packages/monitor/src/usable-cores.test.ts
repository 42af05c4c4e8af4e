import { afterAll, describe, expect, it } from 'vitest';
import { fixture, removeFixtures } from '../test/fixture.js';
import { cgroupCpuQuota, cgroupLimits, usableCores } from './usable-cores.js';

afterAll(removeFixtures);

const GB = 1024 ** 3;

/** A procfs fixture whose `self/cgroup` puts this process in `lines`. */
function proc(lines: string): string {
  return fixture({ 'self/cgroup': lines });
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

describe('cgroupLimits', () => {
  it('v2: resolves the own cgroup from /proc/self/cgroup and takes the tightest limit up to the root', () => {
    const cgroupRoot = fixture({
      'cgroup.controllers': 'cpu memory io\n',
      'system.slice/cpu.max': '250000 100000\n',
      'system.slice/memory.max': `${8 * GB}\n`,
      'system.slice/app.service/cpu.max': 'max 100000\n',
      'system.slice/app.service/memory.max': `${2 * GB}\n`,
      'system.slice/app.service/memory.current': `${GB}\n`,
    });
    const procRoot = proc('0::/system.slice/app.service\n');
    expect(cgroupLimits({ cgroupRoot, procRoot })).toEqual({
      version: 2,
      cpuQuotaCores: 2.5,
      memoryLimitBytes: 2 * GB,
    });
    expect(usableCores({ cgroupRoot, procRoot, parallelism: 8 })).toBe(3);
  });

  it('v2: "max" everywhere means unlimited CPU and memory', () => {
    const cgroupRoot = fixture({
      'cgroup.controllers': 'cpu memory\n',
      'app/cpu.max': 'max 100000\n',
      'app/memory.max': 'max\n',
    });
    const procRoot = proc('0::/app\n');
    expect(cgroupLimits({ cgroupRoot, procRoot })).toEqual({
      version: 2,
      cpuQuotaCores: undefined,
      memoryLimitBytes: undefined,
    });
    expect(usableCores({ cgroupRoot, procRoot, parallelism: 8 })).toBe(8);
  });

  it('v2 inside a container: a path from the host that does not exist falls back to the root', () => {
    const cgroupRoot = fixture({ 'cpu.max': '100000 100000\n', 'memory.max': `${GB}\n` });
    const procRoot = proc('0::/kubepods/burstable/pod1234/abcdef\n');
    expect(cgroupLimits({ cgroupRoot, procRoot })).toEqual({
      version: 2,
      cpuQuotaCores: 1,
      memoryLimitBytes: GB,
    });
  });

  it('v1: separate controller mounts with the own cgroup path per controller', () => {
    const cgroupRoot = fixture({
      'cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '50000\n',
      'cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
      'cpu,cpuacct/docker/abc/cpuacct.usage': '123456789\n',
      'cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
      'cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'memory/docker/abc/memory.limit_in_bytes': `${512 * 1024 * 1024}\n`,
      'memory/docker/abc/memory.usage_in_bytes': `${256 * 1024 * 1024}\n`,
    });
    const procRoot = proc('12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n');
    expect(cgroupLimits({ cgroupRoot, procRoot })).toEqual({
      version: 1,
      cpuQuotaCores: 0.5,
      memoryLimitBytes: 512 * 1024 * 1024,
    });
    expect(usableCores({ cgroupRoot, procRoot, parallelism: 4 })).toBe(1);
  });

  it('v1: the page-rounded 2^63 "no limit" value is unlimited', () => {
    const cgroupRoot = fixture({
      'cpu/cpu.cfs_quota_us': '-1\n',
      'cpu/cpu.cfs_period_us': '100000\n',
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
    });
    const procRoot = proc('5:memory:/\n3:cpu:/\n');
    expect(cgroupLimits({ cgroupRoot, procRoot })).toEqual({
      version: 1,
      cpuQuotaCores: undefined,
      memoryLimitBytes: undefined,
    });
  });

  it('no cgroup filesystem at all', () => {
    const cgroupRoot = fixture({});
    expect(cgroupLimits({ cgroupRoot, procRoot: fixture({}) })).toEqual({
      version: undefined,
      cpuQuotaCores: undefined,
      memoryLimitBytes: undefined,
    });
    expect(usableCores({ cgroupRoot, procRoot: fixture({}), parallelism: 3 })).toBe(3);
  });
});
