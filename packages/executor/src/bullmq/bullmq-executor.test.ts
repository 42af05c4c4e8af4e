import { fileURLToPath } from 'node:url';
import {
  AbortError,
  type ExecutionRecord,
  InvalidInputError,
  type MetricEvent,
  TaskFailedError,
  TimeoutError,
} from '@toolbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type WorkerProcess } from '../../test/fixtures/worker-process.js';
import type { ModuleTask } from '../types.js';
import { type RedisServer, startRedisServer } from './_redis-server.test-helper.js';
import { type BullmqExecutor, createBullmqExecutor } from './bullmq-executor.js';

const TASKS = fileURLToPath(new URL('../../test/fixtures/remote-tasks.mjs', import.meta.url));
const task = (name: string): ModuleTask => ({ module: TASKS, export: name });
const range = (n: number) => Array.from({ length: n }, (_, value) => value);
const remote = (chunkSize: number) => ({ mode: 'threads' as const, chunkSize });

let redis: RedisServer;
let workers: WorkerProcess[] = [];
let executor: BullmqExecutor;

beforeAll(async () => {
  redis = await startRedisServer();
  workers = await Promise.all([
    spawnWorker(redis.url, ['--concurrency', '2']),
    spawnWorker(redis.url, ['--concurrency', '2']),
  ]);
  executor = createBullmqExecutor({ connection: redis.url });
}, 60_000);

afterAll(async () => {
  await executor?.dispose();
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis?.stop();
}, 60_000);

describe('createBullmqExecutor', () => {
  it('maps across two worker processes, results in item order', async () => {
    const items = range(48).map((value) => ({ value, ms: 10 }));
    const results = await executor.map<unknown, { value: number; pid: number }>(task('double'), items, {
      plan: remote(2),
    });
    expect(results.map((result) => result.value)).toEqual(items.map((item) => item.value * 2));
    const pids = new Set(results.map((result) => result.pid));
    for (const worker of workers) expect(pids).toContain(worker.pid);
  });

  it('plans the chunk size from the measured queue round trip', async () => {
    const items = range(120).map((value) => ({ value, ms: 4 }));
    const plan = await executor.plan(task('double'), items);
    expect(plan.mode).toBe('threads');
    expect(plan.reason).toMatch(/queue round trip/);
    const stats = executor.stats();
    expect(stats.workerSlots).toBe(4);
    expect(stats.chunkRoundTripMs).toBeGreaterThan(0);
    expect(stats.chunkOverheadMs).toBeGreaterThan(0);
    // Each chunk carries more work (4 ms items) than its trip through the queue costs, and the job is split.
    expect(plan.chunkSize * 4).toBeGreaterThanOrEqual(stats.chunkRoundTripMs as number);
    expect(plan.chunkSize).toBeLessThan(items.length);
    const results = await executor.map<unknown, { value: number }>(task('double'), items, { plan });
    expect(results.map((result) => result.value)).toEqual(items.map((item) => item.value * 2));
  });

  it('rejects with TaskFailedError naming the failing index, the worker error as cause', async () => {
    const items = range(30).map((value) => ({ value, fail: value === 17 }));
    const error = await executor
      .map(task('failOn'), items, { plan: remote(4) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).index).toBe(17);
    const cause = (error as TaskFailedError).cause as Error & { code?: string };
    expect(cause.message).toBe('bad item 17');
    expect(cause.code).toBe('E_BAD');
  });

  it('retries a failing item as often as options.retries allows, then names it', async () => {
    const before = executor.stats().retries;
    const items = range(8).map((value) => ({ value, fail: value === 5 }));
    const error = await executor
      .map(task('failOn'), items, { plan: remote(2), retries: 2, retryDelayMs: 1, isRetryable: () => true })
      .catch((caught: unknown) => caught);
    expect((error as TaskFailedError).index).toBe(5);
    expect(executor.stats().retries - before).toBe(2);
  });

  it('stops an item over options.itemTimeoutMs on its worker with TimeoutError naming the index', async () => {
    const items = [1, 1, 1, 20_000, 1, 1];
    const error = await executor
      .map(task('block'), items, { plan: remote(2), itemTimeoutMs: 500 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toMatch(
      /item 3 did not finish within options\.itemTimeoutMs = 500 ms/,
    );
  });

  it('rejects with AbortError when options.signal aborts, and with TimeoutError past options.timeoutMs', async () => {
    const controller = new AbortController();
    const running = executor.map(
      task('block'),
      range(40).map(() => 200),
      { plan: remote(1), signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);
    await expect(running).rejects.toBeInstanceOf(AbortError);
    const late = executor.map(
      task('block'),
      range(40).map(() => 200),
      { plan: remote(1), timeoutMs: 200 },
    );
    await expect(late).rejects.toBeInstanceOf(TimeoutError);
  });

  it('streams ordered results and runs one call', async () => {
    async function* source() {
      for (let value = 0; value < 50; value++) yield { value, ms: 1 };
    }
    const seen: number[] = [];
    for await (const result of executor.stream<unknown, { value: number }>(task('double'), source(), {
      plan: remote(3),
      maxInFlight: 12,
    })) {
      seen.push(result.value);
    }
    expect(seen).toEqual(range(50).map((value) => value * 2));
    expect(await executor.run<unknown, { value: number }>(task('double'), { value: 21 })).toMatchObject({
      value: 42,
    });
  });

  it('plans a stream from its first items and yields every result in order', async () => {
    async function* source() {
      for (let value = 0; value < 80; value++) yield { value, ms: 3 };
    }
    const seen: number[] = [];
    for await (const result of executor.stream<unknown, { value: number }>(task('double'), source())) {
      seen.push(result.value);
    }
    expect(seen).toEqual(range(80).map((value) => value * 2));
  });

  it('carries typed arrays and maps through the queue intact', async () => {
    const items = [new Float64Array([1.5, -0, Number.NaN]), new Map([['a', 1n]])];
    const results = await executor.map<unknown, { kind: string; size: number; value: unknown }>(
      task('describe'),
      items,
      { plan: remote(1) },
    );
    expect(results[0]?.kind).toBe('Float64Array');
    expect(results[0]?.value).toEqual(items[0]);
    expect(results[1]?.value).toEqual(items[1]);
  });

  it('runs an in-process function on the calling thread and validates its options', async () => {
    expect(await executor.map((x: number) => x + 1, [1, 2, 3])).toEqual([2, 3, 4]);
    expect(() => createBullmqExecutor({ connection: 'http://localhost' })).toThrow(InvalidInputError);
    expect(() => createBullmqExecutor({ connection: redis.url, pollIntervalMs: 0 })).toThrow(
      /options\.pollIntervalMs must be a positive finite number of milliseconds, got 0/,
    );
    await expect(executor.map({ module: TASKS, export: '' }, [1])).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('hands the record of a finished job to options.onRecord and labels its metrics backend: bullmq', async () => {
    const events: MetricEvent[] = [];
    const measured = createBullmqExecutor({
      connection: redis.url,
      metrics: { observe: (event) => events.push(event) },
    });
    try {
      const records: ExecutionRecord[] = [];
      const items = range(24).map((value) => ({ value, ms: 2 }));
      const results = await measured.map<unknown, { value: number }>(task('double'), items, {
        onRecord: (record) => records.push(record),
      });
      expect(results.map((result) => result.value)).toEqual(items.map((item) => item.value * 2));
      expect(records).toHaveLength(1);
      expect(records[0]?.ok).toBe(true);
      expect(records[0]?.profile.itemCount).toBe(24);
      const map = events.find((event) => event.name === 'executor.map');
      expect(map?.ok).toBe(true);
      expect(map?.labels).toMatchObject({ backend: 'bullmq', mode: records[0]?.plan.mode });
      expect(events.find((event) => event.name === 'executor.plan')?.labels).toMatchObject({
        backend: 'bullmq',
        source: 'dry-run',
      });
    } finally {
      await measured.dispose();
    }
  });
});
