import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createToolbox } from './create-toolbox.js';

describe('createToolbox', () => {
  it('reports usable cores within the machine and percentages in range', () => {
    const toolbox = createToolbox();
    const status = toolbox.getSystemStatus();
    expect(Number.isInteger(status.usableCores)).toBe(true);
    expect(status.usableCores).toBeGreaterThanOrEqual(1);
    expect(status.usableCores).toBeLessThanOrEqual(availableParallelism());
    expect(status.memoryPercent).toBeGreaterThan(0);
    expect(status.memoryPercent).toBeLessThanOrEqual(100);
    expect(status.loadPercent).toBeGreaterThanOrEqual(0);
  });

  it('gives two independent toolboxes and disposes through await using', async () => {
    const first = createToolbox();
    const second = createToolbox();
    expect(first).not.toBe(second);
    {
      await using scoped = first;
      expect(scoped.getSystemStatus().usableCores).toBe(second.getSystemStatus().usableCores);
    }
    await expect(second.dispose()).resolves.toBeUndefined();
  });
});
