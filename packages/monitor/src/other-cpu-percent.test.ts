import { describe, expect, it } from 'vitest';
import { fakeSnapshot } from '../test/fixture.js';
import { otherCpuPercent } from './other-cpu-percent.js';
import { createResourceGovernor } from './resource-governor.js';

describe('otherCpuPercent', () => {
  it("takes this process's own share of the usable cores off the total", () => {
    // 2 cores, machine 95 % busy, this process using 1.8 cores (180 % of one core): others use 5 %.
    expect(
      otherCpuPercent(fakeSnapshot({ usableCores: 2, cpuPercent: 95, processCpuPercent: 180 })),
    ).toBeCloseTo(5);
    expect(otherCpuPercent(fakeSnapshot({ usableCores: 2, cpuPercent: 95, processCpuPercent: 0 }))).toBe(95);
    expect(otherCpuPercent(fakeSnapshot({ usableCores: 2, cpuPercent: 50, processCpuPercent: 200 }))).toBe(0);
  });

  it('keeps an unknown reading unknown, and ignores an unknown process share', () => {
    expect(otherCpuPercent(fakeSnapshot({ cpuPercent: Number.NaN }))).toBeNaN();
    expect(otherCpuPercent(fakeSnapshot({ cpuPercent: 90, processCpuPercent: Number.NaN }))).toBe(90);
  });

  it('lets a job that alone keeps the CPU busy go on, but throttles under outside load', () => {
    let snapshot = fakeSnapshot({ usableCores: 2, cpuPercent: 98, processCpuPercent: 190 });
    const governor = createResourceGovernor({ snapshot: () => snapshot });
    expect(governor.admit({ taskType: 'generic', workers: 2 }).decision).toBe('go');
    snapshot = fakeSnapshot({ usableCores: 2, cpuPercent: 98, processCpuPercent: 10 });
    expect(governor.admit({ taskType: 'generic', workers: 2 }).decision).toBe('reduce');
  });
});
