import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.js';

async function capture(json: boolean): Promise<string> {
  let output = '';
  await runDemo({ json, write: (text) => (output += text) });
  return output;
}

describe('runDemo', () => {
  it('prints the machine profile and the task profiles', async () => {
    const text = await capture(false);
    expect(text).toMatch(/usable cores\s+\d+/);
    expect(text).toContain('model-training');
    expect(text).toContain('Coming as the packages land');
  });

  it('prints JSON whose usable cores fit the machine', async () => {
    const report = JSON.parse(await capture(true));
    expect(report.machine.usableCores).toBeGreaterThanOrEqual(1);
    expect(report.machine.usableCores).toBeLessThanOrEqual(availableParallelism());
    expect(report.taskProfiles['model-training'].cpuShare).toBe(0.8);
  });
});
