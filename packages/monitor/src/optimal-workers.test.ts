import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { fakeSnapshot } from '../test/fixture.js';
import { optimalWorkers } from './optimal-workers.js';

const GB = 1024 ** 3;

describe('optimalWorkers', () => {
  it("takes the task's CPU share of the usable cores, rounded up", () => {
    const snapshot = fakeSnapshot({ usableCores: 8, cpuPercent: 10, memoryAvailableBytes: 64 * GB });
    expect(optimalWorkers(snapshot, 'model-training')).toBe(7);
    expect(optimalWorkers(snapshot, 'evaluation')).toBe(4);
    expect(optimalWorkers(snapshot, 'io')).toBe(1);
    expect(optimalWorkers(fakeSnapshot({ usableCores: 2 }), 'model-training')).toBe(2);
  });

  it('gives back the CPU above the limit', () => {
    const snapshot = fakeSnapshot({ usableCores: 8, cpuPercent: 100, memoryAvailableBytes: 64 * GB });
    // ceil(8 · 0.8) = 7, minus ceil(8 · 20 / 100) = 2.
    expect(optimalWorkers(snapshot, 'model-training')).toBe(5);
    expect(optimalWorkers(snapshot, 'model-training', { maxCpuPercent: 100 })).toBe(7);
  });

  it('scales down when less memory is available than the budget, never below 1', () => {
    const snapshot = fakeSnapshot({ usableCores: 8, cpuPercent: 10, memoryAvailableBytes: 2 * GB });
    // Training budget 4 GB: 7 · 2/4 → 3.
    expect(optimalWorkers(snapshot, 'model-training')).toBe(3);
    expect(optimalWorkers(fakeSnapshot({ memoryAvailableBytes: 1 }), 'ensemble')).toBe(1);
  });

  it('rejects unknown task types', () => {
    expect(() => optimalWorkers(fakeSnapshot(), 'training' as never)).toThrow(InvalidInputError);
  });
});
