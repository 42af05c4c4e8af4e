import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestThreads, type CostInputs, choosePlan, estimateThreads, MIN_SPEEDUP } from './_cost-model.js';

/** A 2-core machine with a warm pool, measured costs as on the reference machine. */
function inputs(overrides: Partial<CostInputs>): CostInputs {
  return {
    itemCount: 1_000,
    doneCount: 16,
    doneMs: 0,
    itemMs: 1,
    itemCv: 0.05,
    cpuRatio: 1,
    cloneInMs: 0.0005,
    cloneOutMs: 0.0005,
    inputBytesPerItem: 16,
    outputBytesPerItem: 16,
    taskType: 'generic',
    threadsAllowed: true,
    cores: 2,
    maxWorkers: 2,
    warmWorkers: 2,
    poolStartMs: 30,
    moduleLoadMs: 0,
    chunkOverheadMs: 0.03,
    roundTripMs: 0.1,
    asyncConcurrency: 16,
    ...overrides,
  };
}

describe('choosePlan: one test per regime, each naming its deciding cost', () => {
  it('trivial work stays serial: the per-item work is below the transfer cost', () => {
    const plan = choosePlan(
      inputs({ itemCount: 100_000, itemMs: 0.0002, cloneInMs: 0.0004, cloneOutMs: 0.0004 }),
    );
    expect(plan.mode).toBe('serial');
    expect(plan.reason).toBe('serial: per-item work 0.20 µs is below transfer cost 0.80 µs per item');
  });

  it('heavy uniform work goes to every core with several chunks per worker', () => {
    const plan = choosePlan(inputs({ itemCount: 500, itemMs: 2 }));
    expect(plan.mode).toBe('threads');
    expect(plan.workers).toBe(2);
    expect(plan.chunkSize).toBeGreaterThan(1);
    expect(Math.ceil(500 / plan.chunkSize)).toBeGreaterThanOrEqual(4);
    expect(plan.estimatedSpeedup).toBeGreaterThan(1.85);
    expect(plan.reason).toMatch(
      /^threads: 2 workers, chunks of \d+ items \(≈[\d.]+ ms each\): per-item work 2\.00 ms outweighs/,
    );
  });

  it('a short job on a cold pool stays serial: start-up is the deciding cost', () => {
    const plan = choosePlan(inputs({ itemCount: 20, itemMs: 1, warmWorkers: 0, moduleLoadMs: 1 }));
    expect(plan.mode).toBe('serial');
    expect(plan.reason).toMatch(/^serial: 20\.0 ms of work is too little to pay worker start-up 31\.0 ms/);
  });

  it('the same short job goes parallel once the pool is warm', () => {
    expect(choosePlan(inputs({ itemCount: 20, itemMs: 1 })).mode).toBe('threads');
  });

  it('big payloads with light compute stay serial: copying on the calling thread is the deciding cost', () => {
    const plan = choosePlan(
      inputs({ itemCount: 64, itemMs: 0.15, cloneInMs: 0.12, cloneOutMs: 0.001, inputBytesPerItem: 2 ** 20 }),
    );
    expect(plan.mode).toBe('serial');
    expect(plan.reason).toMatch(
      /^serial: copying items to and from workers costs [\d.]+ ms on the calling thread against [\d.]+ ms of work/,
    );
    expect(plan.warnings.some((warning) => /1\.0 MB each/.test(warning))).toBe(true);
  });

  it('small items with a slow round trip stay serial: the per-chunk round trip decides', () => {
    const plan = choosePlan(
      inputs({
        itemCount: 4,
        itemMs: 0.5,
        chunkOverheadMs: 2,
        roundTripMs: 2,
        cloneInMs: 0.001,
        cloneOutMs: 0.001,
      }),
    );
    expect(plan.mode).toBe('serial');
    expect(plan.reason).toMatch(/per-chunk round trip 2\.00 ms/);
  });

  it('IO-bound work runs async: the CPU/wall ratio decides', () => {
    const plan = choosePlan(inputs({ itemCount: 200, itemMs: 5, cpuRatio: 0.02 }));
    expect(plan.mode).toBe('async');
    expect(plan.maxInFlight).toBe(16);
    expect(plan.reason).toMatch(/^async: CPU\/wall ratio 0\.02 says the work waits on IO/);
  });

  it('in-process functions stay serial and say why', () => {
    const plan = choosePlan(inputs({ threadsAllowed: false, itemMs: 5 }));
    expect(plan.mode).toBe('serial');
    expect(plan.reason).toMatch(/in-process function/);
  });

  it('warns about high variance and memory', () => {
    const plan = choosePlan(
      inputs({ itemCv: 1.8, inputBytesPerItem: 2 ** 20, itemCount: 4_000, memoryAvailableBytes: 2 ** 30 }),
    );
    expect(plan.warnings.join('\n')).toMatch(/varies a lot \(CV 1\.80\)/);
    expect(plan.warnings.join('\n')).toMatch(/exceed the 1\.00 GB of memory available/);
  });

  it('keeps chunks smaller when items are uneven', () => {
    const even = bestThreads(inputs({ itemCount: 2_000, itemMs: 0.5, itemCv: 0 }));
    const uneven = bestThreads(inputs({ itemCount: 2_000, itemMs: 0.5, itemCv: 2 }));
    expect(uneven?.chunkSize).toBeLessThan(even?.chunkSize as number);
  });
});

describe('cost model properties', () => {
  const arbitraryInputs = fc
    .record({
      itemCount: fc.integer({ min: 1, max: 1_000_000 }),
      itemMs: fc.double({ min: 1e-5, max: 50, noNaN: true }),
      itemCv: fc.double({ min: 0, max: 3, noNaN: true }),
      clone: fc.double({ min: 1e-5, max: 1, noNaN: true }),
      cores: fc.integer({ min: 1, max: 8 }),
      maxWorkers: fc.integer({ min: 1, max: 8 }),
      warmWorkers: fc.integer({ min: 0, max: 8 }),
      chunkOverheadMs: fc.double({ min: 0.005, max: 2, noNaN: true }),
      latency: fc.double({ min: 1, max: 5, noNaN: true }),
    })
    .map(({ clone, latency, ...rest }) =>
      inputs({
        ...rest,
        cloneInMs: clone,
        cloneOutMs: clone / 2,
        roundTripMs: rest.chunkOverheadMs * latency,
      }),
    );

  it('never plans threads below the minimum speedup, and its choice is the cheapest candidate', () => {
    fc.assert(
      fc.property(arbitraryInputs, fc.integer({ min: 1, max: 10_000 }), (costInputs, chunkSize) => {
        const plan = choosePlan(costInputs);
        if (plan.mode === 'threads') expect(plan.estimatedSpeedup).toBeGreaterThanOrEqual(MIN_SPEEDUP);
        else expect(plan.reason.startsWith(`${plan.mode}: `)).toBe(true);
        const best = bestThreads(costInputs);
        const other = estimateThreads(
          costInputs,
          costInputs.maxWorkers,
          Math.min(chunkSize, costInputs.itemCount),
        );
        // The candidate set is coarse: the best must be within 10 % of any other chunk size.
        expect((best?.totalMs as number) <= other.totalMs * 1.1).toBe(true);
      }),
    );
  });

  it('more work per item never turns a parallel plan serial', () => {
    fc.assert(
      fc.property(arbitraryInputs, fc.double({ min: 1, max: 100, noNaN: true }), (costInputs, factor) => {
        if (choosePlan(costInputs).mode !== 'threads') return;
        expect(choosePlan({ ...costInputs, itemMs: costInputs.itemMs * factor }).mode).toBe('threads');
      }),
    );
  });
});
