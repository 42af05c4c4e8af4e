import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatasets, runDemo } from './run-demo.js';

describe('runDemo', () => {
  it('runs the pipeline and prints a JSON summary with the plan, leaderboards and stats; twice', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'toolbox-demo-'));
    const run = async () => {
      let output = '';
      const result = await runDemo({
        rows: 3000,
        datasets: ['iris', 'wine'],
        stateDir,
        json: true,
        quiet: false,
        servePort: undefined,
        tty: false,
        write: (text) => (output += text),
        writeProgress: () => {},
      });
      return { result, json: JSON.parse(output) };
    };
    const { result, json } = await run();
    expect(json.featureMap.items).toBe(3000);
    expect(['serial', 'threads']).toContain(json.featureMap.plan.mode);
    expect(json.featureMap.plan.reason.length).toBeGreaterThan(10);
    expect(json.leaderboards.map((row: { dataset: string }) => row.dataset)).toEqual(['iris', 'wine']);
    expect(json.leaderboards[0].score).toBeGreaterThan(0.9);
    expect(json.registry.requests).toBe(2000);
    expect(Object.keys(json.registry.byVariant).sort()).toEqual(['challenger', 'champion']);
    expect(json.stats.optimization.tasksOptimized).toBeGreaterThanOrEqual(2);
    expect(json.memoised.warmMs).toBeLessThan(json.memoised.coldMs);
    expect(existsSync(result.dashboardFile)).toBe(true);
    expect(readFileSync(result.dashboardFile, 'utf8')).toContain('data-chart="heatmap"');

    // A second run on the same state: the advisor answers from history, the fits come from the cache.
    const second = await run();
    expect(second.json.featureMap.replan.source).toBe('history');
    expect(second.json.leaderboards.every((row: { cached: boolean }) => row.cached)).toBe(true);
    expect(second.json.registry.production).not.toBe(json.registry.production);
  }, 180_000);

  it('rejects an unknown dataset by name', () => {
    expect(parseDatasets('iris,wine')).toEqual(['iris', 'wine']);
    expect(() => parseDatasets('iris,mnist')).toThrow('--datasets: unknown dataset "mnist"');
  });
});
