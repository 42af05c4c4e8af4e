import { describe, expect, it } from 'vitest';
import { measureCase } from './measure.js';

function busyWaitMs(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

const fast = { batchMs: 2, warmupMs: 5, rounds: 7, maxCaseMs: 2_000 };

describe('measureCase', () => {
  it('reports the slower baseline as a speedup above 1 and checks the target', async () => {
    const result = await measureCase(
      'test',
      {
        name: 'spin',
        baseline: { name: 'slow', fn: () => busyWaitMs(0.4) },
        candidate: { name: 'fast', fn: () => busyWaitMs(0.1) },
        work: { amount: 1000, unit: 'B' },
        target: { minSpeedup: 1.5, label: 'at least 1.5x' },
      },
      fast,
    );
    expect(result.baseline.samplesMs).toHaveLength(7);
    expect(result.candidate.samplesMs).toHaveLength(7);
    // Timing itself is the machine's business (a loaded CI machine can invert it); what the
    // runner owns is the arithmetic on the samples it took.
    expect(result.speedup).toBeCloseTo(result.baseline.medianMs / result.candidate.medianMs, 12);
    expect(result.candidate.medianMs).toBeGreaterThanOrEqual(0.1);
    expect(result.baseline.medianMs).toBeGreaterThanOrEqual(0.4);
    expect(result.target?.met).toBe(result.speedup >= 1.5);
    expect(result.rate?.unit).toBe('B');
    expect(result.rate?.perSecond).toBeCloseTo(1000 / (result.candidate.medianMs / 1000), 6);
  });

  it('awaits async functions and marks a missed target', async () => {
    let calls = 0;
    const result = await measureCase(
      'test',
      {
        name: 'async',
        baseline: { name: 'sync', fn: () => calls++ },
        candidate: { name: 'timer', fn: () => new Promise((resolve) => setTimeout(resolve, 1)) },
        target: { minSpeedup: 1, label: 'not slower' },
      },
      { ...fast, rounds: 3 },
    );
    // Awaited: a 1 ms timer (libuv may fire it a little early against hrtime), not the
    // microseconds it takes to create an unawaited promise.
    expect(result.candidate.medianMs).toBeGreaterThan(0.2);
    expect(result.target?.met).toBe(result.speedup >= 1);
    expect(calls).toBeGreaterThan(0);
  });
});
