import type { SystemSnapshot } from '@toolbox/contracts';
import { InvalidInputError, ToolboxError } from '@toolbox/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeSnapshot } from '../test/fixture.js';
import { parsePrometheus } from '../test/prometheus.js';
import { createMonitor } from './monitor.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A monitor over scripted readings; fake timers drive its sampler. */
function scripted(options: { historySize?: number; intervalMs?: number; autoStart?: boolean } = {}) {
  vi.useFakeTimers({ now: 0 });
  let next: Partial<SystemSnapshot> = {};
  const source = vi.fn(() => fakeSnapshot({ timeMs: Date.now(), ...next }));
  const monitor = createMonitor({
    source,
    clock: Date.now,
    intervalMs: options.intervalMs ?? 1000,
    ...options,
  });
  return {
    monitor,
    source,
    set: (overrides: Partial<SystemSnapshot>) => {
      next = overrides;
    },
  };
}

describe('createMonitor', () => {
  it('samples on an interval into a ring buffer of historySize', () => {
    const { monitor, set } = scripted({ historySize: 3 });
    expect(monitor.history()).toEqual([]);
    for (let i = 1; i <= 5; i++) {
      set({ cpuPercent: i * 10 });
      vi.advanceTimersByTime(1000);
    }
    expect(monitor.history().map((snapshot) => snapshot.cpuPercent)).toEqual([30, 40, 50]);
    expect(monitor.latest().cpuPercent).toBe(50);
    expect(monitor.latest().timeMs).toBe(5000);
    monitor.dispose();
    vi.advanceTimersByTime(5000);
    expect(monitor.history()).toHaveLength(3);
  });

  it('with autoStart false, runs no timer and samples only on demand', () => {
    const { monitor, source } = scripted({ autoStart: false });
    vi.advanceTimersByTime(10_000);
    expect(source).not.toHaveBeenCalled();
    expect(monitor.history()).toEqual([]);
    monitor.latest();
    expect(monitor.history()).toHaveLength(1);
    monitor.dispose();
  });

  it('latest() samples when there is no fresh sample; snapshot() does not touch the history', () => {
    const { monitor, source } = scripted();
    const first = monitor.latest();
    expect(source).toHaveBeenCalledTimes(1);
    expect(monitor.latest()).toBe(first);
    monitor.snapshot();
    expect(monitor.history()).toHaveLength(1);
    vi.setSystemTime(10_000);
    expect(monitor.latest().timeMs).toBe(10_000);
    monitor.dispose();
  });

  it('governs admissions from its samples and counts throttles', () => {
    const { monitor, set } = scripted();
    set({ cpuPercent: 95 });
    monitor.sample();
    expect(monitor.admit({ taskType: 'generic', workers: 4 })).toMatchObject({
      decision: 'reduce',
      workers: 3,
    });
    const wait = monitor.admit({ taskType: 'generic' });
    expect(wait).toMatchObject({ decision: 'wait', retryAfterMs: 1000 });
    expect(monitor.stats()).toMatchObject({ reduced: 1, waited: 1, throttled: 2 });
    expect(monitor.governor.stats()).toEqual(monitor.stats());
    expect(monitor.limits).toEqual({ maxCpuPercent: 80, maxMemoryPercent: 85, maxHeavyOperations: 4 });
    monitor.dispose();
    expect(() => monitor.admit({ taskType: 'generic' })).toThrow(ToolboxError);
  });

  it('optimalWorkers() uses the latest sample', () => {
    const { monitor, set } = scripted();
    set({ usableCores: 8, cpuPercent: 10 });
    expect(monitor.optimalWorkers('model-training')).toBe(7);
    monitor.dispose();
  });

  it('flags CPU and memory anomalies in its samples', () => {
    const { monitor, set } = scripted();
    const events: string[] = [];
    monitor.anomalies.subscribe((event) => events.push(`${event.series}:${event.direction}`));
    for (let i = 0; i < 40; i++) {
      set({ cpuPercent: 20 + (i % 2), memoryPercent: 40 + (i % 3) * 0.1 });
      monitor.sample();
    }
    set({ cpuPercent: 99, memoryPercent: 40 });
    monitor.sample();
    set({ cpuPercent: 20, memoryPercent: 90 });
    monitor.sample();
    expect(events).toEqual(['cpuPercent:high', 'memoryPercent:high']);
    monitor.dispose();
  });

  it('collects operation metrics and exports everything as valid Prometheus text', () => {
    const { monitor } = scripted();
    monitor.metrics.observe({ name: 'executor.map', durationMs: 40, ok: true });
    monitor.admit({ taskType: 'generic' });
    const samples = parsePrometheus(monitor.toPrometheus());
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find(
        (sample) => sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v),
      )?.value;
    expect(value('toolbox_system_cpu_percent')).toBe(20);
    expect(value('toolbox_system_usable_cores')).toBe(4);
    expect(value('toolbox_system_load_average', { window: '5m' })).toBe(0.4);
    expect(value('toolbox_governor_decisions_total', { decision: 'go' })).toBe(1);
    expect(value('toolbox_operation_duration_seconds_count', { operation: 'executor.map' })).toBe(1);
    monitor.dispose();
  });

  it('reports sampling errors instead of crashing, and validates options', () => {
    vi.useFakeTimers({ now: 0 });
    const onError = vi.fn();
    const monitor = createMonitor({
      source: () => {
        throw new Error('sensor gone');
      },
      onError,
    });
    vi.advanceTimersByTime(2000);
    expect(onError).toHaveBeenCalledTimes(2);
    monitor.dispose();
    expect(() => createMonitor({ intervalMs: 0 })).toThrow(InvalidInputError);
    expect(() => createMonitor({ historySize: 1.5 })).toThrow(
      'options.historySize must be a positive integer, got 1.5',
    );
    expect(() => createMonitor({ limits: { maxHeavyOperations: 0 } })).toThrow(
      'options.limits.maxHeavyOperations',
    );
  });

  it('runs on this machine with its real snapshotter and an unref-ed timer', async () => {
    await using monitor = createMonitor({ intervalMs: 20, historySize: 10 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const history = monitor.history();
    expect(history.length).toBeGreaterThanOrEqual(2);
    expect(history.length).toBeLessThanOrEqual(10);
    const latest = monitor.latest();
    expect(latest.usableCores).toBeGreaterThanOrEqual(1);
    expect(latest.memoryPercent).toBeGreaterThan(0);
    expect(monitor.optimalWorkers('generic')).toBeGreaterThanOrEqual(1);
  });
});
