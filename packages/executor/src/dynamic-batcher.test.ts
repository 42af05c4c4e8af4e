import { AbortError, InvalidInputError, TaskFailedError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { DynamicBatcher } from './dynamic-batcher.js';

function recorder<T>() {
  const batches: T[][] = [];
  return {
    batches,
    process: async (batch: T[]) => {
      batches.push([...batch]);
      return batch.map((item) => `r${String(item)}`);
    },
  };
}

describe('DynamicBatcher', () => {
  it('sends a batch as soon as maxBatchSize requests wait, resolving each caller with its own result', async () => {
    const { batches, process } = recorder<number>();
    const batcher = new DynamicBatcher({ process, maxBatchSize: 3, maxWaitMs: 60_000 });
    const results = await Promise.all([1, 2, 3].map((item) => batcher.submit(item)));
    expect(results).toEqual(['r1', 'r2', 'r3']);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(batcher.stats()).toMatchObject({ submitted: 3, batches: 1, flushedBySize: 1, flushedByTime: 0 });
    await batcher.dispose();
  });

  it('sends a partial batch once the oldest request has waited maxWaitMs', async () => {
    const { batches, process } = recorder<number>();
    const batcher = new DynamicBatcher({ process, maxBatchSize: 100, maxWaitMs: 30 });
    const startedMs = performance.now();
    const results = await Promise.all([batcher.submit(1), batcher.submit(2)]);
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(25);
    expect(results).toEqual(['r1', 'r2']);
    expect(batches).toEqual([[1, 2]]);
    expect(batcher.stats()).toMatchObject({ flushedBySize: 0, flushedByTime: 1 });
    await batcher.dispose();
  });

  it('puts higher-priority requests into earlier batches, arrival order within a priority', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batches: string[][] = [];
    const batcher = new DynamicBatcher<string, string>({
      maxBatchSize: 2,
      maxWaitMs: 5,
      process: async (batch) => {
        batches.push(batch);
        if (batches.length === 1) await gate;
        return batch;
      },
    });
    const first = [batcher.submit('blocker-a'), batcher.submit('blocker-b')];
    // These wait while the first batch runs; priority decides the next batches.
    const rest = [
      batcher.submit('low-1', { priority: 0 }),
      batcher.submit('high-1', { priority: 5 }),
      batcher.submit('low-2', { priority: 0 }),
      batcher.submit('high-2', { priority: 5 }),
      batcher.submit('mid', { priority: 1 }),
    ];
    release();
    await Promise.all([...first, ...rest]);
    expect(batches).toEqual([['blocker-a', 'blocker-b'], ['high-1', 'high-2'], ['mid', 'low-1'], ['low-2']]);
    await batcher.dispose();
  });

  it('rejects every caller of a failed batch with TaskFailedError and keeps going', async () => {
    let calls = 0;
    const batcher = new DynamicBatcher<number, number>({
      maxBatchSize: 2,
      process: (batch) => {
        calls++;
        if (calls === 1) throw new Error('model crashed');
        return batch.map((x) => x * 10);
      },
    });
    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    for (const outcome of failed) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as TaskFailedError;
      expect(reason).toBeInstanceOf(TaskFailedError);
      expect((reason.cause as Error).message).toBe('model crashed');
    }
    expect(await Promise.all([batcher.submit(3), batcher.submit(4)])).toEqual([30, 40]);
    expect(batcher.stats().failedBatches).toBe(1);
    await batcher.dispose();
  });

  it('rejects a batch whose result count does not match', async () => {
    const batcher = new DynamicBatcher<number, number>({ maxBatchSize: 2, process: () => [1] });
    const outcomes = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(((outcomes[0] as PromiseRejectedResult).reason as Error).message).toMatch(
      /must resolve with 2 results/,
    );
    await batcher.dispose();
  });

  it('withdraws an aborted request, flushes on demand and rejects waiting requests on dispose', async () => {
    const { batches, process } = recorder<number>();
    const batcher = new DynamicBatcher({ process, maxBatchSize: 10, maxWaitMs: 60_000 });
    const controller = new AbortController();
    const aborted = batcher.submit(1, { signal: controller.signal });
    const kept = batcher.submit(2);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    await batcher.flush();
    expect(await kept).toBe('r2');
    expect(batches).toEqual([[2]]);
    const waiting = batcher.submit(3);
    await batcher.dispose();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await expect(batcher.submit(4)).rejects.toBeInstanceOf(AbortError);
  });

  it('validates its options by name', () => {
    expect(() => new DynamicBatcher({ process: 1 as never })).toThrow(InvalidInputError);
    expect(() => new DynamicBatcher({ process: () => [], maxBatchSize: 0 })).toThrow(
      'options.maxBatchSize must be a positive integer, got 0',
    );
    expect(() => new DynamicBatcher({ process: () => [], maxWaitMs: -1 })).toThrow(/options\.maxWaitMs/);
  });
});
