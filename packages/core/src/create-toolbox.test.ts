import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SystemSnapshot } from '@toolbox/contracts';
import { InvalidInputError, TimeoutError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { createToolbox } from './create-toolbox.js';

function reading(overrides: Partial<SystemSnapshot> = {}): SystemSnapshot {
  return {
    timeMs: Date.now(),
    usableCores: 2,
    cpuPercent: 10,
    processCpuPercent: 5,
    memoryUsedBytes: 2 * 1024 ** 3,
    memoryAvailableBytes: 22 * 1024 ** 3,
    memoryLimitBytes: 24 * 1024 ** 3,
    memoryPercent: 8,
    loadAverage: [0.1, 0.1, 0.1],
    eventLoopLagMs: 0,
    ...overrides,
  };
}

describe('createToolbox', () => {
  it('runs an operation and reports it', async () => {
    await using toolbox = createToolbox({ autoStart: false, maxCpuPercent: 100 });
    const { value, report } = await toolbox.optimizeOperation('add', (a: number, b: number) => a + b, {
      args: [2, 3],
    });
    expect(value).toBe(5);
    expect(report).toMatchObject({ name: 'add', taskType: 'generic', cached: false, throttled: false });
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('memoises when asked: the second identical call is a cache hit, other arguments are not', async () => {
    await using toolbox = createToolbox({ autoStart: false, maxCpuPercent: 100 });
    let runs = 0;
    const square = async (x: number) => {
      runs++;
      return x * x;
    };
    const first = await toolbox.optimizeOperation('square', square, { args: [4], cache: true });
    const second = await toolbox.optimizeOperation('square', square, { args: [4], cache: true });
    const third = await toolbox.optimizeOperation('square', square, { args: [5], cache: true });
    expect([first.value, second.value, third.value]).toEqual([16, 16, 25]);
    expect([first.report.cached, second.report.cached, third.report.cached]).toEqual([false, true, false]);
    expect(runs).toBe(2);
    expect(toolbox.getOptimizationStats()).toMatchObject({
      tasksOptimized: 3,
      cacheHits: 1,
      cacheMisses: 2,
      cacheHitRate: 1 / 3,
      tasksThrottled: 0,
    });
    const squareSeries = toolbox
      .getOptimizationStats()
      .operations.operations.filter((op) => op.name === 'square');
    // one series per label set: the two runs and the one cache hit
    expect(squareSeries.map((op) => [op.labels?.cached, op.count]).sort()).toEqual([
      ['false', 2],
      ['true', 1],
    ]);
  });

  it('never caches a failure', async () => {
    await using toolbox = createToolbox({ autoStart: false, maxCpuPercent: 100 });
    let attempts = 0;
    const flaky = () => {
      attempts++;
      if (attempts === 1) throw new Error('first try fails');
      return 'ok';
    };
    await expect(toolbox.optimizeOperation('flaky', flaky, { cache: true })).rejects.toThrow(
      'first try fails',
    );
    await expect(toolbox.optimizeOperation('flaky', flaky, { cache: true })).resolves.toMatchObject({
      value: 'ok',
    });
    expect(attempts).toBe(2);
    expect(
      toolbox.getOptimizationStats().operations.operations.find((op) => op.name === 'flaky'),
    ).toMatchObject({
      count: 2,
      errors: 1,
    });
  });

  it('waits while the governor says wait, and counts the throttle', async () => {
    let cpuPercent = 97;
    await using toolbox = createToolbox({
      autoStart: false,
      monitor: { intervalMs: 10, source: () => reading({ cpuPercent }) },
    });
    setTimeout(() => {
      cpuPercent = 20;
    }, 60);
    const { report } = await toolbox.optimizeOperation('train', () => 'model', {
      taskType: 'model-training',
    });
    expect(report.throttled).toBe(true);
    expect(report.waitedMs).toBeGreaterThan(0);
    expect(toolbox.getOptimizationStats().tasksThrottled).toBe(1);
    expect(toolbox.monitor.stats().waited).toBeGreaterThanOrEqual(1);
  });

  it('gives up with TimeoutError when the governor never admits', async () => {
    await using toolbox = createToolbox({
      autoStart: false,
      monitor: { intervalMs: 10, source: () => reading({ memoryPercent: 99 }) },
    });
    await expect(
      toolbox.optimizeOperation('stuck', () => 1, { admissionTimeoutMs: 50 }),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(toolbox.getOptimizationStats()).toMatchObject({ tasksOptimized: 1, tasksThrottled: 1 });
  });

  it('keeps two toolboxes independent', async () => {
    await using first = createToolbox({ autoStart: false, maxCpuPercent: 100 });
    await using second = createToolbox({ autoStart: false, maxCpuPercent: 100 });
    await first.optimizeOperation('op', () => 1, { cache: true });
    await first.optimizeOperation('op', () => 1, { cache: true });
    const fromSecond = await second.optimizeOperation('op', () => 2, { cache: true });
    expect(fromSecond).toMatchObject({ value: 2, report: { cached: false } });
    expect(first.getOptimizationStats().tasksOptimized).toBe(2);
    expect(second.getOptimizationStats().tasksOptimized).toBe(1);
  });

  it('reports the system status with its limits', async () => {
    await using toolbox = createToolbox({ maxCpuPercent: 70, maxConcurrentHeavy: 2, autoStart: false });
    const status = toolbox.getSystemStatus();
    expect(status.usableCores).toBeGreaterThanOrEqual(1);
    expect(status.optimalWorkers).toBeGreaterThanOrEqual(1);
    expect(status.memoryPercent).toBeGreaterThan(0);
    expect(status.limits).toMatchObject({ maxCpuPercent: 70, maxMemoryPercent: 85, maxHeavyOperations: 2 });
  });

  it('rejects bad options and arguments by name', async () => {
    expect(() => createToolbox({ maxCpuPercent: 0 })).toThrow(/options\.maxCpuPercent must be a percentage/);
    expect(() => createToolbox({ maxConcurrentHeavy: 1.5 })).toThrow(InvalidInputError);
    await using toolbox = createToolbox({ autoStart: false, maxCpuPercent: 100, cache: false });
    await expect(toolbox.optimizeOperation('', () => 1)).rejects.toThrow(/name must be a non-empty string/);
    await expect(toolbox.optimizeOperation('x', () => 1, { cache: true })).rejects.toThrow(
      /created with cache: false/,
    );
    await expect(toolbox.optimizeOperation('x', () => 1, { taskType: 'training' as never })).rejects.toThrow(
      /options\.taskType "training" is not a task type/,
    );
  });

  it('keeps cached results on disk across toolboxes when given a cache dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolbox-core-cache-'));
    let runs = 0;
    const work = (n: number) => {
      runs++;
      return Array.from({ length: n }, (_, i) => i);
    };
    {
      await using toolbox = createToolbox({ autoStart: false, maxCpuPercent: 100, cache: { dir } });
      await toolbox.optimizeOperation('range', work, { args: [3], cache: true });
    }
    await using again = createToolbox({ autoStart: false, maxCpuPercent: 100, cache: { dir } });
    const { value, report } = await again.optimizeOperation('range', work, { args: [3], cache: true });
    expect(value).toEqual([0, 1, 2]);
    expect(report.cached).toBe(true);
    expect(runs).toBe(1);
  });

  it('lets the process exit by itself once disposed through Symbol.asyncDispose', () => {
    // Node 20 does not parse `await using` (TypeScript compiles it to this); the built package is what users run.
    const script = `
      import { createToolbox } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const toolbox = createToolbox({ maxCpuPercent: 100 });
      try {
        await toolbox.optimizeOperation('op', () => 1, { cache: true });
      } finally {
        await toolbox[Symbol.asyncDispose]();
      }
      console.log('disposed');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('disposed');
    expect(child.status).toBe(0);
  });
});
