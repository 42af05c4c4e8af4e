import { describe, expect, it } from 'vitest';
import { isTaskType, TASK_PROFILES, TASK_TYPES } from './task-profiles.js';

const GB = 1024 ** 3;

describe('TASK_PROFILES', () => {
  it("has seed 000's seven ML profiles", () => {
    expect(TASK_PROFILES['data-preprocessing']).toMatchObject({ cpuShare: 0.7, memoryBytes: 2 * GB });
    expect(TASK_PROFILES['model-training']).toMatchObject({ cpuShare: 0.8, memoryBytes: 4 * GB });
    expect(TASK_PROFILES['model-prediction']).toMatchObject({ cpuShare: 0.6, memoryBytes: 1 * GB });
    expect(TASK_PROFILES['feature-engineering']).toMatchObject({ cpuShare: 0.65, memoryBytes: 1.5 * GB });
    expect(TASK_PROFILES['hyperparameter-tuning']).toMatchObject({ cpuShare: 0.75, memoryBytes: 3 * GB });
    expect(TASK_PROFILES.ensemble).toMatchObject({ cpuShare: 0.85, memoryBytes: 5 * GB });
    expect(TASK_PROFILES.evaluation).toMatchObject({ cpuShare: 0.5, memoryBytes: 0.5 * GB });
  });

  it('covers every task type with a share in (0, 1]', () => {
    expect(Object.keys(TASK_PROFILES).sort()).toEqual([...TASK_TYPES].sort());
    for (const type of TASK_TYPES) {
      const { cpuShare, memoryBytes } = TASK_PROFILES[type];
      expect(cpuShare).toBeGreaterThan(0);
      expect(cpuShare).toBeLessThanOrEqual(1);
      expect(memoryBytes).toBeGreaterThan(0);
    }
  });

  it('recognises task types', () => {
    expect(isTaskType('io')).toBe(true);
    expect(isTaskType('training')).toBe(false);
    expect(isTaskType(3)).toBe(false);
  });
});
