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

  it("takes a self-timed side's own reported milliseconds as its samples, one call per batch", async () => {
    const reported = [40, 50, 60, 70, 80, 90];
    let calls = 0;
    const result = await measureCase(
      'test',
      {
        name: 'child process',
        baseline: { name: 'timed elsewhere', selfTimed: true, fn: async () => reported[calls++ % 6] },
        candidate: { name: 'here', fn: () => busyWaitMs(0.1) },
      },
      { ...fast, rounds: 5 },
    );
    expect(result.baseline.callsPerBatch).toBe(1);
    expect(result.baseline.samplesMs).toHaveLength(5);
    for (const sample of result.baseline.samplesMs) expect(reported).toContain(sample);
    expect(result.speedup).toBeCloseTo(result.baseline.medianMs / result.candidate.medianMs, 12);
  });

  it('rejects a self-timed side that does not resolve to milliseconds', async () => {
    await expect(
      measureCase(
        'test',
        {
          name: 'broken',
          baseline: { name: 'python', selfTimed: true, fn: async () => ({ ms: 3 }) },
          candidate: { name: 'here', fn: () => 0 },
        },
        fast,
      ),
    ).rejects.toThrow(/python is selfTimed, so its fn must resolve to a finite number of milliseconds/);
  });

  it("meets a target only when its check is met too, and keeps the check's detail", async () => {
    const run = (scoresEqual: boolean) =>
      measureCase(
        'test',
        {
          name: 'scores',
          baseline: { name: 'slow', fn: () => busyWaitMs(0.2) },
          candidate: { name: 'fast', fn: () => 0 },
          target: {
            maxMedianMs: 1_000,
            label: 'same score',
            check: () => ({ met: scoresEqual, detail: scoresEqual ? 'gap 0.0 points' : 'gap 3.0 points' }),
          },
        },
        { ...fast, rounds: 3 },
      );
    const equal = await run(true);
    const apart = await run(false);
    expect(equal.target).toEqual({
      maxMedianMs: 1_000,
      label: 'same score',
      met: true,
      detail: 'gap 0.0 points',
    });
    expect(apart.target).toEqual({
      maxMedianMs: 1_000,
      label: 'same score',
      met: false,
      detail: 'gap 3.0 points',
    });
  });
});
