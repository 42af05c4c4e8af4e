import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it, vi } from 'vitest';
import { normal, seededRandom } from '../test/fixture.js';
import { type AnomalyEvent, createAnomalyDetector } from './anomaly-detector.js';

describe('AnomalyDetector', () => {
  it('does not flag steady bounded noise (seeded uniform ±1 around 10, 10 000 samples)', () => {
    const random = seededRandom(1);
    const detector = createAnomalyDetector();
    const events: AnomalyEvent[] = [];
    detector.subscribe((event) => events.push(event));
    for (let i = 0; i < 10_000; i++) detector.observe('latency', 10 + 2 * random() - 1);
    expect(events).toEqual([]);
    const state = detector.state('latency');
    expect(state?.count).toBe(10_000);
    expect(state?.mean).toBeCloseTo(10, 0);
    expect(state?.stdDev).toBeGreaterThan(0.4);
    expect(state?.stdDev).toBeLessThan(0.8);
  });

  it('keeps false alarms on steady Gaussian noise below 1 in 1 000 (seeded, 100 000 samples)', () => {
    const random = seededRandom(5);
    const detector = createAnomalyDetector();
    let flagged = 0;
    for (let i = 0; i < 100_000; i++) if (detector.observe('noise', 50 + 5 * normal(random))) flagged++;
    expect(flagged).toBeLessThan(100);
  });

  it('flags an injected spike, with its z-score and direction, to every subscriber', () => {
    const random = seededRandom(2);
    const detector = createAnomalyDetector({ clock: () => 1234 });
    for (let i = 0; i < 200; i++) detector.observe('cpuPercent', 30 + 0.5 * (random() - 0.5));
    const first = vi.fn();
    const second = vi.fn();
    detector.subscribe(first);
    detector.subscribe(second);
    const event = detector.observe('cpuPercent', 60);
    expect(event).toMatchObject({
      series: 'cpuPercent',
      value: 60,
      direction: 'high',
      timeMs: 1234,
      sample: 201,
    });
    expect(event?.zScore).toBeGreaterThan(10);
    expect(event?.mean).toBeCloseTo(30, 0);
    expect(first).toHaveBeenCalledExactlyOnceWith(event);
    expect(second).toHaveBeenCalledExactlyOnceWith(event);
    expect(detector.flaggedCount).toBe(1);
    // The spike moved the baseline only a little: the next spike is still caught.
    expect(detector.observe('cpuPercent', 60)).toBeDefined();
    expect(detector.observe('cpuPercent', 0)?.direction).toBe('low');
  });

  it('does not flag during warm-up, and keeps series apart', () => {
    const detector = createAnomalyDetector({ warmupSamples: 10 });
    for (let i = 0; i < 5; i++) detector.observe('a', 1);
    expect(detector.observe('a', 1000)).toBeUndefined();
    for (let i = 0; i < 30; i++) detector.observe('b', 5 + (i % 2) * 0.1);
    expect(detector.observe('b', 50)).toBeDefined();
    expect(detector.state('a')?.count).toBe(6);
    detector.reset('b');
    expect(detector.state('b')).toBeUndefined();
  });

  it('absorbs a lasting level shift', () => {
    const random = seededRandom(3);
    const detector = createAnomalyDetector();
    for (let i = 0; i < 100; i++) detector.observe('s', 10 + 0.5 * normal(random));
    let flagged = 0;
    for (let i = 0; i < 300; i++) if (detector.observe('s', 20 + 0.5 * normal(random))) flagged++;
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(100);
    expect(detector.state('s')?.mean).toBeCloseTo(20, 0);
  });

  it('unsubscribes, isolates throwing listeners, ignores non-finite samples', () => {
    const onListenerError = vi.fn();
    const detector = createAnomalyDetector({ warmupSamples: 3, onListenerError });
    const listener = vi.fn();
    const unsubscribe = detector.subscribe(listener);
    detector.subscribe(() => {
      throw new Error('listener bug');
    });
    for (let i = 0; i < 10; i++) detector.observe('x', 1 + (i % 2) * 0.01);
    expect(detector.observe('x', Number.NaN)).toBeUndefined();
    expect(detector.observe('x', 100)).toBeDefined();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(onListenerError).toHaveBeenCalledTimes(1);
    unsubscribe();
    detector.observe('x', -100);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('validates its options', () => {
    expect(() => createAnomalyDetector({ alpha: 0 })).toThrow(InvalidInputError);
    expect(() => createAnomalyDetector({ threshold: -1 })).toThrow(
      'options.threshold must be a positive number, got -1',
    );
    expect(() => createAnomalyDetector({ warmupSamples: 1.5 })).toThrow('options.warmupSamples');
    expect(() => createAnomalyDetector().subscribe(undefined as never)).toThrow(
      'listener must be a function',
    );
  });
});
