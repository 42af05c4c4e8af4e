import type { SystemSnapshot } from '@toolbox/contracts';
import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { fakeSnapshot } from '../test/fixture.js';
import { createResourceGovernor } from './resource-governor.js';

/** A governor over a snapshot and clock the test sets. */
function setup(options: { limits?: Parameters<typeof createResourceGovernor>[0]['limits'] } = {}) {
  let current: SystemSnapshot = fakeSnapshot({ timeMs: 10_000 });
  let now = 10_000;
  const governor = createResourceGovernor({
    snapshot: () => current,
    clock: () => now,
    sampleIntervalMs: 1000,
    minRetryAfterMs: 50,
    limits: options.limits,
  });
  return {
    governor,
    set: (overrides: Partial<SystemSnapshot>) => {
      current = fakeSnapshot({ timeMs: current.timeMs, ...overrides });
    },
    at: (ms: number) => {
      now = ms;
    },
  };
}

describe('createResourceGovernor', () => {
  it('admits below the limits and hands out a release', () => {
    const { governor } = setup();
    const admission = governor.admit({ taskType: 'model-training', workers: 4 });
    expect(admission.decision).toBe('go');
    expect(governor.stats()).toMatchObject({ admitted: 1, throttled: 0, active: 1, activeHeavy: 1 });
    if (admission.decision !== 'go') throw new Error('unreachable');
    admission.release();
    admission.release();
    expect(governor.stats()).toMatchObject({ active: 0, activeHeavy: 0 });
    expect(governor.snapshot().cpuPercent).toBe(20);
  });

  it('makes work wait above the memory limit until the next reading is due', () => {
    const { governor, set, at } = setup();
    set({ memoryPercent: 90 });
    at(10_300);
    const admission = governor.admit({ taskType: 'evaluation' });
    expect(admission).toEqual({
      decision: 'wait',
      retryAfterMs: 700,
      reason: 'memory at 90.0 % is above the limit of 85.0 %',
    });
    at(12_000);
    expect(governor.admit({ taskType: 'evaluation' })).toMatchObject({ decision: 'wait', retryAfterMs: 50 });
    set({ memoryPercent: 84.9 });
    expect(governor.admit({ taskType: 'evaluation' }).decision).toBe('go');
    expect(governor.stats()).toMatchObject({ waited: 2, waitedForMemory: 2, throttled: 2, admitted: 1 });
  });

  it('reduces workers in proportion above the CPU limit, and makes single-worker work wait', () => {
    const { governor, set } = setup();
    // 95 % busy, none of it this process's: all of it is other processes' load.
    set({ cpuPercent: 95, processCpuPercent: 0 });
    const reduced = governor.admit({ taskType: 'data-preprocessing', workers: 4 });
    expect(reduced).toMatchObject({ decision: 'reduce', workers: 3 });
    expect(reduced.decision === 'reduce' && reduced.reason).toContain(
      'CPU used by other processes at 95.0 % is above the limit of 80.0 %',
    );
    expect(governor.admit({ taskType: 'data-preprocessing', workers: 2 })).toMatchObject({
      decision: 'reduce',
      workers: 1,
    });
    expect(governor.admit({ taskType: 'data-preprocessing' }).decision).toBe('wait');
    expect(governor.stats()).toMatchObject({ reduced: 2, waitedForCpu: 1, throttled: 3, active: 2 });
    set({ cpuPercent: 80 });
    expect(governor.admit({ taskType: 'data-preprocessing', workers: 4 }).decision).toBe('go');
  });

  it('does not throttle on an unknown CPU reading (NaN, the first sample)', () => {
    const { governor, set } = setup();
    set({ cpuPercent: Number.NaN });
    expect(governor.admit({ taskType: 'generic', workers: 2 }).decision).toBe('go');
  });

  it('caps concurrent heavy operations; light ones pass; a release frees a slot', () => {
    const { governor } = setup({ limits: { maxHeavyOperations: 2 } });
    const first = governor.admit({ taskType: 'model-training' });
    const second = governor.admit({ taskType: 'ensemble' });
    expect(first.decision).toBe('go');
    expect(second.decision).toBe('go');
    expect(governor.admit({ taskType: 'hyperparameter-tuning' })).toEqual({
      decision: 'wait',
      retryAfterMs: 50,
      reason: '2 heavy operations are running, the limit is 2',
    });
    expect(governor.admit({ taskType: 'model-prediction' }).decision).toBe('go');
    if (first.decision === 'wait') throw new Error('unreachable');
    first.release();
    expect(governor.admit({ taskType: 'hyperparameter-tuning' }).decision).toBe('go');
    expect(governor.stats()).toMatchObject({ waitedForHeavySlot: 1, activeHeavy: 2, active: 3 });
  });

  it('takes configured limits', () => {
    const { governor, set } = setup({ limits: { maxCpuPercent: 50, maxMemoryPercent: 60 } });
    expect(governor.limits).toEqual({ maxCpuPercent: 50, maxMemoryPercent: 60, maxHeavyOperations: 4 });
    set({ cpuPercent: 55 });
    expect(governor.admit({ taskType: 'generic' }).decision).toBe('wait');
    set({ cpuPercent: 45, memoryPercent: 61 });
    expect(governor.admit({ taskType: 'generic' }).decision).toBe('wait');
    set({ cpuPercent: 45, memoryPercent: 59 });
    expect(governor.admit({ taskType: 'generic' }).decision).toBe('go');
  });

  it('validates options and requests', () => {
    expect(() => createResourceGovernor({} as never)).toThrow('options.snapshot must be a function');
    const { governor } = setup();
    expect(() => governor.admit({ taskType: 'training' as never })).toThrow(InvalidInputError);
    expect(() => governor.admit({ taskType: 'generic', workers: 0 })).toThrow(
      'request.workers must be a positive integer, got 0',
    );
    expect(() =>
      createResourceGovernor({ snapshot: () => fakeSnapshot(), limits: { maxCpuPercent: 120 } }),
    ).toThrow('options.limits.maxCpuPercent must be a number from 1 to 100, got 120');
  });
});
