import type { MetricsSink } from '@toolbox/contracts';
import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { parsePrometheus } from '../test/prometheus.js';
import { createAnomalyDetector } from './anomaly-detector.js';
import { createOperationMetrics } from './operation-metrics.js';

function manualClock() {
  let time = 0;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('OperationMetrics', () => {
  it('times operations with start() and counts errors, bytes and throughput', () => {
    const clock = manualClock();
    const metrics = createOperationMetrics({ clock: clock.now });
    for (let i = 1; i <= 100; i++) {
      const stop = metrics.start('fit');
      clock.advance(i);
      expect(stop(i % 10 !== 0, 1000)).toBe(i);
    }
    const stats = metrics.get('fit');
    expect(stats).toMatchObject({
      name: 'fit',
      count: 100,
      errors: 10,
      errorRate: 0.1,
      bytes: 100_000,
      minMs: 1,
    });
    expect(stats?.maxMs).toBe(100);
    expect(stats?.totalMs).toBe(5050);
    expect(stats?.meanMs).toBe(50.5);
    expect(Math.abs((stats?.p50Ms ?? 0) - 50) / 50).toBeLessThanOrEqual(0.01);
    expect(Math.abs((stats?.p95Ms ?? 0) - 95) / 95).toBeLessThanOrEqual(0.01);
    expect(Math.abs((stats?.p99Ms ?? 0) - 99) / 99).toBeLessThanOrEqual(0.01);
    // 100 operations in 5.05 s of back-to-back work.
    expect(stats?.throughputPerSecond).toBeCloseTo(100 / 5.05, 10);
  });

  it('a timer stops once', () => {
    const clock = manualClock();
    const metrics = createOperationMetrics({ clock: clock.now });
    const stop = metrics.start('x');
    clock.advance(5);
    stop();
    clock.advance(5);
    expect(stop()).toBe(10);
    expect(metrics.get('x')?.count).toBe(1);
  });

  it('is a MetricsSink: events with labels make their own series', () => {
    const metrics = createOperationMetrics({ clock: () => 1000 });
    const sink: MetricsSink = metrics;
    sink.observe({ name: 'cache.get', durationMs: 0.5, ok: true, labels: { tier: 'l1' } });
    sink.observe({ name: 'cache.get', durationMs: 4, ok: false, bytes: 64, labels: { tier: 'l2' } });
    sink.observe({ name: 'cache.get', durationMs: 0.7, ok: true, labels: { tier: 'l1' } });
    metrics.observe('executor.map', 12.5);
    expect(metrics.get('cache.get', { tier: 'l1' })?.count).toBe(2);
    expect(metrics.get('cache.get', { tier: 'l2' })).toMatchObject({ count: 1, errors: 1, bytes: 64 });
    expect(metrics.get('cache.get')).toBeUndefined();
    const json = metrics.toJSON();
    expect(json.operations.map((operation) => [operation.name, operation.labels, operation.count])).toEqual([
      ['cache.get', { tier: 'l1' }, 2],
      ['cache.get', { tier: 'l2' }, 1],
      ['executor.map', {}, 1],
    ]);
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(json);
  });

  it('writes valid Prometheus text: a summary in seconds and counters, labels escaped', () => {
    const metrics = createOperationMetrics();
    for (let i = 0; i < 50; i++) metrics.observe('train', 200, i !== 0, 10);
    metrics.observe({ name: 'weird "op"\\\nname', durationMs: 1, ok: true, labels: { path: 'a"b' } });
    const text = metrics.toPrometheus();
    const samples = parsePrometheus(text);
    const find = (name: string, labels: Record<string, string>) =>
      samples.find(
        (sample) => sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v),
      );
    expect(
      find('toolbox_operation_duration_seconds', { operation: 'train', quantile: '0.5' })?.value,
    ).toBeCloseTo(0.2, 2);
    expect(find('toolbox_operation_duration_seconds_count', { operation: 'train' })?.value).toBe(50);
    expect(find('toolbox_operation_duration_seconds_sum', { operation: 'train' })?.value).toBeCloseTo(10, 10);
    expect(find('toolbox_operation_errors_total', { operation: 'train' })?.value).toBe(1);
    expect(find('toolbox_operation_bytes_total', { operation: 'train' })?.value).toBe(500);
    expect(
      find('toolbox_operation_errors_total', { operation: 'weird "op"\\\nname', path: 'a"b' })?.value,
    ).toBe(0);
    expect(text).toContain('# TYPE toolbox_operation_duration_seconds summary\n');
    expect(parsePrometheus(metrics.toPrometheus({ prefix: 'app_' }))[0]?.name).toBe(
      'app_operation_duration_seconds',
    );
    expect(createOperationMetrics().toPrometheus()).toBe('');
  });

  it('feeds durations to the anomaly detector', () => {
    const anomalies = createAnomalyDetector({ warmupSamples: 10 });
    const metrics = createOperationMetrics({ anomalies });
    for (let i = 0; i < 50; i++) metrics.observe('predict', 10 + (i % 3) * 0.1);
    metrics.observe({ name: 'predict', durationMs: 100, ok: true, labels: { model: 'a' } });
    expect(anomalies.flaggedCount).toBe(0);
    metrics.observe('predict', 100);
    expect(anomalies.flaggedCount).toBe(1);
    expect(anomalies.state('duration:predict')?.count).toBe(51);
    expect(anomalies.state('duration:predict{model="a"}')?.count).toBe(1);
  });

  it('bounds the number of series and validates input', () => {
    const metrics = createOperationMetrics({ maxSeries: 2 });
    metrics.observe('a', 1);
    metrics.observe('b', 1);
    metrics.observe('c', 1);
    expect(metrics.toJSON().droppedObservations).toBe(1);
    expect(metrics.get('c')).toBeUndefined();
    expect(() => metrics.observe('a', -1)).toThrow(InvalidInputError);
    expect(() => metrics.observe('a', Number.NaN)).toThrow('durationMs must be a finite number ≥ 0, got NaN');
    metrics.reset();
    expect(() => metrics.observe({ name: 'x', durationMs: 1, ok: true, labels: { quantile: '1' } })).toThrow(
      'labels must have Prometheus label names',
    );
    expect(() =>
      metrics.observe({ name: 'x', durationMs: 1, ok: true, labels: { 'bad-name': '1' } }),
    ).toThrow(InvalidInputError);
    expect(() => metrics.observe('', 1)).toThrow('name must be a non-empty string');
    expect(() => metrics.toPrometheus({ prefix: '1x' })).toThrow('options.prefix');
  });
});
