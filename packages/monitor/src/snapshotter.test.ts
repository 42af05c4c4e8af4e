import { InvalidInputError, ToolboxError } from '@toolbox/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, PROC_FILES, removeFixtures, writeFixture } from '../test/fixture.js';
import { createSnapshotter } from './snapshotter.js';

afterAll(removeFixtures);

const GB = 1024 ** 3;
const MB = 1024 ** 2;
const HOST_TOTAL = 16 * GB;
const HOST_AVAILABLE = 10 * GB;

/** A clock the test moves by hand. */
function manualClock(startMs = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = startMs;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('createSnapshotter on fixtures', () => {
  it('cgroup v2: usable cores, memory limit and working set from the own cgroup; CPU % from cpu.stat', () => {
    const cgroupRoot = fixture({
      'cgroup.controllers': 'cpu memory\n',
      'app/cpu.max': '150000 100000\n',
      'app/cpu.stat': 'usage_usec 1000000\nuser_usec 800000\nsystem_usec 200000\n',
      'app/memory.max': `${2 * GB}\n`,
      'app/memory.current': `${GB + 100 * MB}\n`,
      'app/memory.stat': `anon 1000\nfile 2000\nactive_file 50\ninactive_file ${100 * MB}\n`,
    });
    const procRoot = fixture({ ...PROC_FILES, 'self/cgroup': '0::/app\n' });
    const clock = manualClock();
    using snapshotter = createSnapshotter({ cgroupRoot, procRoot, parallelism: 8, clock: clock.now });
    expect(snapshotter.cgroup).toEqual({ version: 2, cpuQuotaCores: 1.5, memoryLimitBytes: 2 * GB });

    const first = snapshotter.snapshot();
    expect(first.usableCores).toBe(2);
    expect(first.cpuPercent).toBeNaN();
    expect(first.memoryLimitBytes).toBe(2 * GB);
    expect(first.memoryUsedBytes).toBe(GB);
    expect(first.memoryAvailableBytes).toBe(GB);
    expect(first.memoryPercent).toBeCloseTo(50, 10);

    // 1 s later the cgroup used 0.75 s of CPU out of a 1.5-core quota: 50 %.
    clock.advance(1000);
    writeFixture(cgroupRoot, {
      'app/cpu.stat': 'usage_usec 1750000\nuser_usec 1500000\nsystem_usec 250000\n',
    });
    expect(snapshotter.snapshot().cpuPercent).toBeCloseTo(50, 6);
  });

  it('cgroup v2 with "max": host memory and /proc/stat CPU', () => {
    const cgroupRoot = fixture({
      'cgroup.controllers': 'cpu memory\n',
      'cpu.max': 'max 100000\n',
      'memory.max': 'max\n',
    });
    const procRoot = fixture({ ...PROC_FILES, 'self/cgroup': '0::/\n' });
    const clock = manualClock();
    using snapshotter = createSnapshotter({ cgroupRoot, procRoot, parallelism: 4, clock: clock.now });
    const first = snapshotter.snapshot();
    expect(first.usableCores).toBe(4);
    expect(first.memoryLimitBytes).toBe(HOST_TOTAL);
    expect(first.memoryAvailableBytes).toBe(HOST_AVAILABLE);
    expect(first.memoryUsedBytes).toBe(HOST_TOTAL - HOST_AVAILABLE);
    // +300 busy ticks (user 200, system 100) and +100 idle/iowait: 75 % busy.
    clock.advance(500);
    writeFixture(procRoot, { stat: 'cpu  1200 0 1100 8050 50 0 0 0 0 0\n' });
    expect(snapshotter.snapshot().cpuPercent).toBeCloseTo(75, 10);
  });

  it('cgroup v1: cpuacct.usage against the quota, memory.usage_in_bytes minus total_inactive_file', () => {
    const cgroupRoot = fixture({
      'cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '200000\n',
      'cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
      'cpu,cpuacct/docker/abc/cpuacct.usage': '5000000000\n',
      'memory/docker/abc/memory.limit_in_bytes': `${4 * GB}\n`,
      'memory/docker/abc/memory.usage_in_bytes': `${3 * GB}\n`,
      'memory/docker/abc/memory.stat': `cache 100\ninactive_file 5\ntotal_cache 100\ntotal_inactive_file ${GB}\n`,
    });
    const procRoot = fixture({
      ...PROC_FILES,
      'self/cgroup': '9:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n',
    });
    const clock = manualClock();
    using snapshotter = createSnapshotter({ cgroupRoot, procRoot, parallelism: 8, clock: clock.now });
    const first = snapshotter.snapshot();
    expect(first.usableCores).toBe(2);
    expect(first.memoryLimitBytes).toBe(4 * GB);
    expect(first.memoryUsedBytes).toBe(2 * GB);
    expect(first.memoryPercent).toBeCloseTo(50, 10);
    // 2 s later: 1 s of CPU (ns) on 2 cores = 25 %.
    clock.advance(2000);
    writeFixture(cgroupRoot, { 'cpu,cpuacct/docker/abc/cpuacct.usage': '6000000000\n' });
    expect(snapshotter.snapshot().cpuPercent).toBeCloseTo(25, 6);
  });

  it('cgroup v1 unlimited ("-1", 2^63): the host figures apply', () => {
    const cgroupRoot = fixture({
      'cpu/cpu.cfs_quota_us': '-1\n',
      'cpu/cpu.cfs_period_us': '100000\n',
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'memory/memory.usage_in_bytes': '999\n',
    });
    const procRoot = fixture({ ...PROC_FILES, 'self/cgroup': '5:memory:/\n3:cpu:/\n' });
    using snapshotter = createSnapshotter({ cgroupRoot, procRoot, parallelism: 2 });
    const snapshot = snapshotter.snapshot();
    expect(snapshot.usableCores).toBe(2);
    expect(snapshot.memoryLimitBytes).toBe(HOST_TOTAL);
    expect(snapshot.memoryUsedBytes).toBe(HOST_TOTAL - HOST_AVAILABLE);
  });

  it('no cgroup: parallelism, host memory, load average and pressure from /proc', () => {
    const procRoot = fixture({ ...PROC_FILES, 'self/cgroup': '' });
    using snapshotter = createSnapshotter({ cgroupRoot: fixture({}), procRoot, parallelism: 3 });
    const snapshot = snapshotter.snapshot();
    expect(snapshotter.cgroup.version).toBeUndefined();
    expect(snapshot.usableCores).toBe(3);
    expect(snapshot.memoryLimitBytes).toBe(HOST_TOTAL);
    expect(snapshot.memoryPercent).toBeCloseTo(37.5, 10);
    expect(snapshot.loadAverage).toEqual([0.52, 0.58, 1.25]);
    expect(snapshot.pressure).toEqual({ cpuSomePercent: 5.04, memorySomePercent: 0, ioSomePercent: 12.5 });
  });

  it('repeats the last CPU percentages inside the minimum window instead of dividing noise', () => {
    const procRoot = fixture({ ...PROC_FILES, 'self/cgroup': '' });
    const clock = manualClock();
    using snapshotter = createSnapshotter({
      cgroupRoot: fixture({}),
      procRoot,
      parallelism: 2,
      clock: clock.now,
      minCpuWindowMs: 100,
    });
    snapshotter.snapshot();
    clock.advance(150);
    writeFixture(procRoot, { stat: 'cpu  1100 0 1000 8100 0 0 0 0 0 0\n' });
    expect(snapshotter.snapshot().cpuPercent).toBeCloseTo(50, 10);
    clock.advance(10);
    writeFixture(procRoot, { stat: 'cpu  1110 0 1000 8100 0 0 0 0 0 0\n' });
    expect(snapshotter.snapshot().cpuPercent).toBeCloseTo(50, 10);
    clock.advance(100);
    // Since the last window (t=150): +10 busy, +0 idle.
    expect(snapshotter.snapshot().cpuPercent).toBe(100);
  });

  it('falls back to os when procfs is missing', () => {
    using snapshotter = createSnapshotter({ cgroupRoot: fixture({}), procRoot: fixture({}), parallelism: 2 });
    const snapshot = snapshotter.snapshot();
    expect(snapshot.memoryLimitBytes).toBeGreaterThan(0);
    expect(snapshot.memoryAvailableBytes).toBeGreaterThan(0);
    expect(snapshot.loadAverage).toHaveLength(3);
    expect(snapshot.pressure).toBeUndefined();
  });
});

describe('createSnapshotter on this machine', () => {
  it('returns a consistent snapshot and measures CPU between samples', async () => {
    using snapshotter = createSnapshotter({ minCpuWindowMs: 20 });
    const first = snapshotter.snapshot();
    expect(first.cpuPercent).toBeNaN();
    expect(first.usableCores).toBeGreaterThanOrEqual(1);
    expect(first.memoryLimitBytes).toBeGreaterThan(first.memoryUsedBytes);
    expect(first.memoryPercent).toBeGreaterThan(0);
    expect(first.memoryPercent).toBeLessThan(100);
    const until = performance.now() + 60;
    while (performance.now() < until) Math.sqrt(Math.random());
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = snapshotter.snapshot();
    expect(second.timeMs).toBeGreaterThan(first.timeMs);
    expect(second.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(second.cpuPercent).toBeLessThanOrEqual(100);
    expect(second.processCpuPercent).toBeGreaterThan(0);
  });

  it('validates options and refuses to work after dispose', () => {
    expect(() => createSnapshotter({ parallelism: 0 })).toThrow(InvalidInputError);
    expect(() => createSnapshotter({ parallelism: 0 })).toThrow(
      'options.parallelism must be a positive integer, got 0',
    );
    expect(() => createSnapshotter({ minCpuWindowMs: -1 })).toThrow('options.minCpuWindowMs');
    const snapshotter = createSnapshotter();
    snapshotter.dispose();
    snapshotter.dispose();
    expect(() => snapshotter.snapshot()).toThrow(ToolboxError);
  });
});
