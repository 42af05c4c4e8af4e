import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  AbortError,
  type Admission,
  type ExecutionPlan,
  type ExecutionRecord,
  InvalidInputError,
  type MetricEvent,
  type ResourceGovernor,
  type SystemSnapshot,
  TaskFailedError,
  TimeoutError,
} from '@toolbox/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { task, tempDir } from '../test/fixtures/fixtures.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { createExecutor, type Executor } from './executor.js';

const open: Executor[] = [];
function executor(...args: Parameters<typeof createExecutor>): Executor {
  const created = createExecutor(...args);
  open.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((created) => created.dispose()));
});

const range = (n: number) => Array.from({ length: n }, (_, index) => index);
const threads = (workers: number, chunkSize: number) => ({ mode: 'threads' as const, workers, chunkSize });

describe('map', () => {
  it('returns results in item order even when chunks finish out of order', async () => {
    const items = range(40).map((value) => ({ value, wait: value % 7 === 0 ? 40 : 1 }));
    const results = await executor({ maxWorkers: 2 }).map(task('slowDouble'), items, { plan: threads(2, 3) });
    expect(results).toEqual(items.map((item) => item.value * 2));
  });

  it('plans and runs a module task, and a plain function, with the same results as a loop', async () => {
    const ex = executor({ maxWorkers: 2 });
    const items = range(2_000);
    expect(await ex.map(task('addOne'), items)).toEqual(items.map((x) => x + 1));
    expect(await ex.map((x: number) => x * 3, items)).toEqual(items.map((x) => x * 3));
    expect(await ex.map(task('addOne'), [])).toEqual([]);
  });

  it('rejects with TaskFailedError naming the failing index and keeping the worker error as cause', async () => {
    const items = range(30).map((value) => ({ value, fail: value === 17 }));
    const error = await executor({ maxWorkers: 2 })
      .map(task('failOn'), items, { plan: threads(2, 5) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).index).toBe(17);
    expect((error as TaskFailedError).details.index).toBe(17);
    const cause = (error as TaskFailedError).cause as Error & { code?: string };
    expect(cause.message).toBe('bad item 17');
    expect(cause.code).toBe('E_BAD');
  });

  it('names the index of a failing item on the calling thread too', async () => {
    const fn = (x: number) => {
      if (x === 5) throw new RangeError('five');
      return x;
    };
    const error = await executor()
      .map(fn, range(10))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).index).toBe(5);
    expect((error as TaskFailedError).cause).toBeInstanceOf(RangeError);
  });

  it('fails cleanly when a worker calls process.exit, replaces the worker and keeps working', async () => {
    const ex = executor({ maxWorkers: 2 });
    const items: unknown[] = range(12);
    items[4] = 'exit';
    const error = await ex
      .map(task('exitOn'), items, { plan: threads(2, 2) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).index).toBe(4);
    expect(String(((error as TaskFailedError).cause as Error).message)).toMatch(/died.*exited with code: 3/);
    expect(ex.stats().workerFailures).toBeGreaterThanOrEqual(1);
    expect(await ex.map(task('addOne'), range(20), { plan: threads(2, 5) })).toEqual(
      range(20).map((x) => x + 1),
    );
  });

  it('fails cleanly when a worker runs out of memory, and keeps working', async () => {
    const ex = executor({ maxWorkers: 1, workerMemoryLimitMb: 32 });
    const error = await ex
      .map(task('exhaustMemory'), [1, 2], { plan: threads(1, 1) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).index).toBe(0);
    expect(String(((error as TaskFailedError).cause as Error).message)).toMatch(/died.*memory/i);
    expect(await ex.map(task('addOne'), [1, 2], { plan: threads(1, 1) })).toEqual([2, 3]);
  });

  it('retries a crashed chunk on a fresh worker when retries are allowed', async () => {
    const ex = executor({ maxWorkers: 1 });
    const marker = join(tempDir(), 'exit-once');
    const items = ['a', 'b', { marker }, 'd'];
    const results = await ex.map(task('exitOn'), items, { plan: threads(1, 4), retries: 1, retryDelayMs: 1 });
    expect(results).toEqual(['a', 'b', 'survived', 'd']);
    expect(existsSync(marker)).toBe(true);
    expect(ex.stats().retries).toBe(1);
  });

  it('retries retryable failures with backoff, and fails without retries', async () => {
    const ex = executor({ maxWorkers: 2 });
    const dir = tempDir();
    const items = range(6).map((value) => ({ value, marker: join(dir, `item-${value}`) }));
    expect(await ex.map(task('flaky'), items, { plan: threads(2, 2), retries: 2, retryDelayMs: 1 })).toEqual(
      items.map((item) => item.value * 10),
    );
    expect(ex.stats().retries).toBe(6);

    const fresh = range(3).map((value) => ({ value, marker: join(dir, `fresh-${value}`) }));
    const error = await ex
      .map(task('flaky'), fresh, { plan: threads(1, 3) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).index).toBe(0);
  });

  it('does not retry errors that are not retryable', async () => {
    let calls = 0;
    const fn = () => {
      calls++;
      throw new Error('permanent');
    };
    await expect(executor().map(fn, [1], { retries: 3, retryDelayMs: 1 })).rejects.toBeInstanceOf(
      TaskFailedError,
    );
    expect(calls).toBe(1);
  });

  it('rejects promptly with AbortError when aborted mid-job, and frees the workers', async () => {
    const ex = executor({ maxWorkers: 2 });
    const controller = new AbortController();
    // Every item blocks a worker for a minute: only a prompt abort lets the test finish.
    const items = [5, 5, 60_000, 60_000, 60_000, 60_000];
    let progressed = 0;
    const job = ex.map(task('block'), items, {
      plan: threads(2, 1),
      signal: controller.signal,
      onProgress: (done) => {
        progressed = done;
        if (done >= 2) controller.abort(new Error('user cancelled'));
      },
    });
    const error = await job.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect(((error as AbortError).cause as Error).message).toBe('user cancelled');
    expect(progressed).toBe(2);
    expect(await ex.map(task('addOne'), [1, 2, 3], { plan: threads(2, 1) })).toEqual([2, 3, 4]);
  });

  it('fails the job, without an unhandled rejection, when onProgress throws', async () => {
    const ex = executor({ maxWorkers: 2 });
    const onProgress = () => {
      throw new Error('progress bar broke');
    };
    await expect(ex.map(task('addOne'), range(10), { plan: threads(2, 2), onProgress })).rejects.toThrow(
      'progress bar broke',
    );
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms, ms));
    await expect(ex.map(wait, [1, 2, 3], { plan: { mode: 'async' }, onProgress })).rejects.toThrow(
      'progress bar broke',
    );
  });

  it('rejects at once when the signal is already aborted', async () => {
    const ex = executor();
    await expect(ex.map(task('addOne'), [1], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      AbortError,
    );
  });

  it('stops a stuck item at itemTimeoutMs and names its index', async () => {
    const ex = executor({ maxWorkers: 2 });
    const error = await ex
      .map(task('block'), [1, 1, 60_000, 1], { plan: threads(1, 4), itemTimeoutMs: 300 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).details).toMatchObject({ index: 2, itemTimeoutMs: 300 });
    expect(await ex.map(task('addOne'), [1], { plan: threads(1, 1) })).toEqual([2]);
  });

  it('stops the whole job at timeoutMs', async () => {
    const ex = executor({ maxWorkers: 2 });
    const error = await ex
      .map(task('block'), [60_000, 60_000], { plan: threads(2, 1), timeoutMs: 200 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/options\.timeoutMs = 200 ms/);
  });

  it('times out an async item on the calling thread', async () => {
    const never = () => new Promise<never>(() => {});
    const error = await executor()
      .map(never, [1], { plan: { mode: 'async' }, itemTimeoutMs: 50 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).details.index).toBe(0);
  });

  it('runs higher-priority jobs first when the pool is saturated', async () => {
    const ex = executor({ maxWorkers: 1 });
    const finished: string[] = [];
    const low = ex
      .map(task('block'), [150, 150, 150, 150], { plan: threads(1, 1), priority: 0 })
      .then(() => finished.push('low'));
    // Let the low-priority job take the only worker, then queue a high-priority one.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const high = ex
      .map(task('block'), [1], { plan: threads(1, 1), priority: 10 })
      .then(() => finished.push('high'));
    await Promise.all([low, high]);
    expect(finished).toEqual(['high', 'low']);
  });

  it('moves typed-array and DenseMatrix buffers to workers with transfer: true', async () => {
    const ex = executor({ maxWorkers: 1 });
    const items = [new Float64Array([1, 2, 3]), new Float64Array([4, 5])];
    expect(await ex.map(task('sum'), items, { plan: threads(1, 2), transfer: true })).toEqual([6, 9]);
    expect(items[0]?.byteLength).toBe(0);
    const copied = [new Float64Array([1, 2])];
    expect(await ex.map(task('sum'), copied, { plan: threads(1, 1) })).toEqual([3]);
    expect(copied[0]?.byteLength).toBe(16);
    const returned = await ex.map<number, Float64Array>(task('ones'), [3], {
      plan: threads(1, 1),
      transfer: true,
    });
    expect(Array.from(returned[0] as Float64Array)).toEqual([1, 1, 1]);
  });

  it('shares SharedArrayBuffer-backed arrays with workers instead of copying them', async () => {
    const ex = executor({ maxWorkers: 1 });
    const shared = new Float64Array(new SharedArrayBuffer(32));
    const copied = new Float64Array(4);
    expect(await ex.map(task('markFirst'), [shared, copied], { plan: threads(1, 2) })).toEqual([4, 4]);
    expect(shared[0]).toBe(42);
    expect(copied[0]).toBe(0);
  });

  it('validates its arguments by name', async () => {
    expect(() => createExecutor({ maxWorkers: 0 })).toThrow(
      'options.maxWorkers must be a positive integer, got 0',
    );
    const ex = executor();
    await expect(ex.map({ module: '', export: 'x' } as never, [1])).rejects.toThrow(
      /task must be a function or/,
    );
    await expect(ex.map(task('addOne'), 'abc' as never)).rejects.toThrow(
      /items must be an array, got string/,
    );
    await expect(ex.map(task('addOne'), [1], { timeoutMs: -1 })).rejects.toThrow(/options\.timeoutMs/);
    await expect(ex.map(task('addOne'), [1], { retries: 1.5 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(ex.map(task('addOne'), [1], { transfer: true, retries: 1 })).rejects.toThrow(
      /options\.retries/,
    );
    await expect(ex.map(task('nope'), [1])).rejects.toThrow(/task\.export "nope" is not a function/);
    await expect(ex.map((x: number) => x, [1], { plan: threads(1, 1) })).rejects.toThrow(
      /needs a \{ module, export \} task/,
    );
  });
});

describe('run', () => {
  it('runs one call on a worker for a module task and in-process for a function', async () => {
    const ex = executor({ maxWorkers: 1 });
    expect(await ex.run(task('addOne'), 41)).toBe(42);
    expect(await ex.run((x: number) => x * 2, 21)).toBe(42);
    const error = await ex.run(task('failOn'), { value: 3, fail: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).index).toBe(0);
  });

  it('drives a CircuitBreaker from real worker failures', async () => {
    const ex = executor({ maxWorkers: 1 });
    const breaker = new CircuitBreaker({ minimumCalls: 2, windowSize: 2, failureRatio: 1, openMs: 60_000 });
    const call = () => breaker.execute(() => ex.run(task('failOn'), { value: 1, fail: true }));
    await expect(call()).rejects.toBeInstanceOf(TaskFailedError);
    expect(breaker.state).toBe('closed');
    await expect(call()).rejects.toBeInstanceOf(TaskFailedError);
    expect(breaker.state).toBe('open');
    await expect(call()).rejects.toThrow(/circuit is open/);
  });
});

describe('stream', () => {
  function countingSource(n: number) {
    const counter = { pulled: 0 };
    async function* source() {
      for (let index = 0; index < n; index++) {
        counter.pulled++;
        yield index;
      }
    }
    return { counter, source: source() };
  }

  for (const [name, plan] of [
    ['planned', undefined],
    ['on threads', threads(2, 2)],
    ['async', { mode: 'async' as const, maxInFlight: 3 }],
  ] as const) {
    it(`yields ordered results and reads at most maxInFlight items ahead (${name})`, async () => {
      const ex = executor({ maxWorkers: 2 });
      const maxInFlight = 4;
      const { counter, source } = countingSource(60);
      const results: number[] = [];
      for await (const value of ex.stream<number, number>(task('addOne'), source, { maxInFlight, plan })) {
        results.push(value);
        expect(counter.pulled - results.length).toBeLessThanOrEqual(maxInFlight);
        // A slow consumer: the source must wait for it.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(results).toEqual(range(60).map((x) => x + 1));
    });
  }

  it('stops reading the source when the consumer breaks early, and propagates failures with the index', async () => {
    const ex = executor({ maxWorkers: 2 });
    const { counter, source } = countingSource(1_000);
    let seen = 0;
    for await (const _ of ex.stream(task('addOne'), source, { maxInFlight: 8, plan: threads(2, 2) })) {
      if (++seen === 5) break;
    }
    expect(counter.pulled).toBeLessThanOrEqual(5 + 8);

    const failing = range(20).map((value) => ({ value, fail: value === 13 }));
    const consume = async () => {
      for await (const _ of ex.stream(task('failOn'), failing, { maxInFlight: 4, plan: threads(2, 2) })) {
        // drain
      }
    };
    const error = await consume().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).index).toBe(13);
  });
});

describe('dispose', () => {
  it('rejects work in flight with AbortError, terminates the workers and refuses new work', async () => {
    const ex = createExecutor({ maxWorkers: 2 });
    const job = ex.map(task('block'), [60_000, 60_000, 60_000], { plan: threads(2, 1) });
    const settled = job.catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await ex.dispose();
    expect(await settled).toBeInstanceOf(AbortError);
    await expect(ex.map(task('addOne'), [1])).rejects.toBeInstanceOf(AbortError);
    await ex[Symbol.asyncDispose]();
  });
});

describe('plan', () => {
  it('keeps trivial work serial and names the overhead that outweighs it', async () => {
    const plan = await executor().plan(task('addOne'), range(100_000));
    expect(plan.mode).toBe('serial');
    expect(plan.source).toBe('dry-run');
    // Usually the transfer cost; on a loaded machine (one CI run) the dry-run items read
    // slow enough that worker start-up is the first overhead found to outweigh them.
    expect(plan.reason).toMatch(
      /^serial: (per-item work [\d.]+ µs is below transfer cost [\d.]+ µs per item|[\d.]+ ms of work is too little to pay worker start-up [\d.]+ ms \(best threaded estimate [\d.]+x, below 1\.2x\))$/,
    );
  });

  it('goes parallel on heavy uniform work and says the work outweighs the overheads', async () => {
    const ex = executor({ maxWorkers: 2 });
    const plan = await ex.plan(task('busy'), new Array(300).fill(4));
    expect(plan.mode).toBe('threads');
    expect(plan.workers).toBe(2);
    expect(plan.chunkSize).toBeGreaterThan(1);
    expect(plan.chunkSize).toBeLessThan(150);
    expect(plan.estimatedSpeedup).toBeGreaterThanOrEqual(1.2);
    expect(plan.reason).toMatch(
      /^threads: 2 workers, chunks of \d+ items .*per-item work [\d.]+ ms outweighs transfer/,
    );
    expect(ex.stats().poolStartMs).toBeGreaterThan(0);
    expect(ex.stats().chunkRoundTripMs).toBeGreaterThan(0);
  });

  it('keeps a short job serial because of worker start-up', async () => {
    const plan = await executor({ maxWorkers: 2 }).plan(task('busy'), new Array(8).fill(1));
    expect(plan.mode).toBe('serial');
    expect(plan.reason).toMatch(/too little to pay worker start-up/);
  });

  it('runs IO-bound work as async, by measurement or by taskType', async () => {
    const ex = executor();
    const measured = await ex.plan(task('wait'), new Array(40).fill(5));
    expect(measured.mode).toBe('async');
    expect(measured.reason).toMatch(/^async: CPU\/wall ratio [\d.]+ says the work waits on IO/);
    const declared = await ex.plan((x: number) => x, range(100), { taskType: 'io' });
    expect(declared.reason).toMatch(/taskType 'io'/);
    expect(await ex.map(task('wait'), new Array(40).fill(5))).toEqual(new Array(40).fill(5));
  });

  it('keeps in-process functions off the workers and says so', async () => {
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
      return ms;
    };
    const plan = await executor().plan(spin, new Array(100).fill(2));
    expect(plan.mode).toBe('serial');
    expect(plan.reason).toMatch(/in-process function/);
  });

  it('reuses the dry run: every item runs exactly once across plan() and map()', async () => {
    const ex = executor();
    const calls = new Array(50).fill(0);
    const fn = (index: number) => {
      calls[index]++;
      return index * 2;
    };
    const items = range(50);
    const plan = await ex.plan(fn, items);
    expect(calls.filter((count) => count === 1).length).toBeGreaterThanOrEqual(3);
    expect(await ex.map(fn, items, { plan })).toEqual(items.map((x) => x * 2));
    expect(calls).toEqual(new Array(50).fill(1));
    await ex.map(fn, items);
    expect(calls).toEqual(new Array(50).fill(2));
  });
});

describe('ports', () => {
  const snapshot: SystemSnapshot = {
    timeMs: 0,
    usableCores: 2,
    cpuPercent: 10,
    processCpuPercent: 10,
    memoryUsedBytes: 1e9,
    memoryAvailableBytes: 4e9,
    memoryLimitBytes: 5e9,
    memoryPercent: 20,
    loadAverage: [0, 0, 0],
    eventLoopLagMs: 0,
  };

  it('asks the governor before starting and between chunks, obeying wait and reduce', async () => {
    const answers: Admission['decision'][] = ['wait', 'reduce'];
    let held = 0;
    let maxHeld = 0;
    const asked: number[] = [];
    const governor: ResourceGovernor = {
      snapshot: () => snapshot,
      admit: (request) => {
        asked.push(request.workers ?? 0);
        const decision = answers.shift() ?? 'go';
        if (decision === 'wait') return { decision, retryAfterMs: 20, reason: 'cpu 95 %' };
        held++;
        maxHeld = Math.max(maxHeld, held);
        const release = () => held--;
        return decision === 'reduce'
          ? { decision, workers: 1, reason: 'memory', release }
          : { decision, release };
      },
    };
    const ex = executor({ governor });
    const results = await ex.map(task('block'), new Array(12).fill(20), { plan: threads(2, 1) });
    expect(results).toHaveLength(12);
    expect(ex.stats().governorWaits).toBe(1);
    expect(ex.stats().governorReductions).toBe(1);
    expect(asked.length).toBeGreaterThanOrEqual(3);
    expect(asked.slice(2).every((workers) => workers === 1)).toBe(true);
    expect(held).toBe(0);
    expect(maxHeld).toBe(1);
  });

  it("records the items' real time as measuredSpeedup: workers' compute time with threads, 1 serially", async () => {
    const records: ExecutionRecord[] = [];
    const advised: ExecutionPlan = {
      mode: 'threads',
      workers: 2,
      chunkSize: 5,
      maxInFlight: 2,
      estimatedSpeedup: 1,
      confidence: 0.9,
      source: 'history',
      reason: 'test',
      warnings: [],
    };
    // The advisor is asked only with a governor's snapshot: its plan keeps this job on threads whatever the load.
    const ex = executor({
      governor: { snapshot: () => snapshot, admit: () => ({ decision: 'go', release: () => {} }) },
      advisor: { suggest: () => advised, record: (record) => records.push(record) },
    });
    // 40 items busy for 3 ms each: at least 120 ms of work, whatever the machine's load.
    await ex.map(task('busy'), new Array(40).fill(3));
    // Trivial work is planned serial by the dry run.
    await executor().map(task('addOne'), range(1_000), { onRecord: (record) => records.push(record) });
    const [threads, serial] = records as [ExecutionRecord, ExecutionRecord];
    expect(threads.plan.mode).toBe('threads');
    expect(threads.measuredSpeedup * threads.wallTimeMs).toBeGreaterThanOrEqual(40 * 3);
    expect(serial.plan.mode).toBe('serial');
    expect(serial.measuredSpeedup).toBe(1);
  });

  it('uses a confident advisor plan, records every finished job, and reports metrics', async () => {
    const records: ExecutionRecord[] = [];
    const events: MetricEvent[] = [];
    const advised: ExecutionPlan = {
      mode: 'threads',
      workers: 2,
      chunkSize: 10,
      maxInFlight: 2,
      estimatedSpeedup: 1.9,
      confidence: 0.9,
      source: 'history',
      reason: 'threads: 5 similar jobs ran 1.9x faster',
      warnings: [],
    };
    let suggest: ExecutionPlan | undefined = advised;
    const ex = executor({
      governor: { snapshot: () => snapshot, admit: () => ({ decision: 'go', release: () => {} }) },
      advisor: { suggest: () => suggest, record: (record) => records.push(record) },
      metrics: { observe: (event) => events.push(event) },
    });
    let onRecord: ExecutionRecord | undefined;
    const items = range(100);
    expect(
      await ex.map(task('addOne'), items, {
        onRecord: (record) => {
          onRecord = record;
        },
      }),
    ).toEqual(items.map((x) => x + 1));
    expect(records).toHaveLength(1);
    expect(records[0]?.plan).toBe(advised);
    expect(records[0]?.ok).toBe(true);
    expect(records[0]?.profile.itemCount).toBe(100);
    expect(records[0]?.wallTimeMs).toBeGreaterThan(0);
    expect(onRecord).toBe(records[0]);
    suggest = undefined;
    const failing = range(1_000).map((value) => ({ value, fail: value === 900 }));
    await expect(ex.map(task('failOn'), failing)).rejects.toBeInstanceOf(TaskFailedError);
    expect(records).toHaveLength(2);
    expect(records[1]?.plan.source).toBe('dry-run');
    expect(records[1]?.ok).toBe(false);
    const names = events.map((event) => `${event.name}:${event.ok}`);
    expect(names).toContain('executor.map:true');
    expect(names).toContain('executor.map:false');
    expect(names).toContain('executor.plan:true');
  });
});
