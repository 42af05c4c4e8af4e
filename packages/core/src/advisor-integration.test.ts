import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createToolbox } from './create-toolbox.js';

const task = { module: fileURLToPath(new URL('../test/fixtures/busy.mjs', import.meta.url)), export: 'busy' };
const items = Array.from({ length: 120 }, () => 2);

describe('executor + plan advisor through the toolbox', () => {
  it('plans the second run of a workload from history, with the same decision, also after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolbox-advisor-it-'));
    const first = createToolbox({ autoStart: false, maxCpuPercent: 100, cache: false, advisor: { dir } });
    const measured = await first.executor.plan(task, items, { taskType: 'feature-engineering' });
    expect(measured.source).toBe('dry-run');
    const results = await first.map(task, items, { plan: measured, taskType: 'feature-engineering' });
    expect(results).toHaveLength(items.length);
    expect(first.advisor!.stats().runs).toBe(1);

    const again = await first.executor.plan(task, items, { taskType: 'feature-engineering' });
    expect(again.source).not.toBe('dry-run');
    expect(again.source).toBe('history');
    expect({ mode: again.mode, workers: again.workers }).toEqual({
      mode: measured.mode,
      workers: measured.workers,
    });
    await first.dispose();

    const restarted = createToolbox({ autoStart: false, maxCpuPercent: 100, cache: false, advisor: { dir } });
    const afterRestart = await restarted.executor.plan(task, items, { taskType: 'feature-engineering' });
    expect(afterRestart.source).toBe('history');
    expect({ mode: afterRestart.mode, workers: afterRestart.workers }).toEqual({
      mode: measured.mode,
      workers: measured.workers,
    });
    await restarted.dispose();
  }, 60_000);
});
