import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TimeoutError } from '@toolbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_RECOVERY, spawnWorker, type WorkerProcess } from '../../test/fixtures/worker-process.js';
import { type RedisServer, startRedisServer } from './_redis-server.test-helper.js';
import { type BullmqExecutor, createBullmqExecutor } from './bullmq-executor.js';

const TASKS = fileURLToPath(new URL('../../test/fixtures/remote-tasks.mjs', import.meta.url));
const range = (n: number) => Array.from({ length: n }, (_, value) => value);

let redis: RedisServer;
let workers: WorkerProcess[] = [];
let executor: BullmqExecutor;
let dir: string;

beforeAll(async () => {
  redis = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), 'toolbox-bullmq-'));
  executor = createBullmqExecutor({ connection: redis.url, pollIntervalMs: 250 });
  workers = await Promise.all([
    spawnWorker(redis.url, ['--concurrency', '2', ...FAST_RECOVERY]),
    spawnWorker(redis.url, ['--concurrency', '2', ...FAST_RECOVERY]),
  ]);
}, 60_000);

afterAll(async () => {
  await executor?.dispose();
  await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Items of ~40 ms, each leaving a marker of the process that started it. */
function markedItems(count: number, subdir: string) {
  const path = join(dir, subdir);
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  return { path, items: range(count).map((value) => ({ value, ms: 40, dir: path })) };
}

describe('recovery', () => {
  it('a worker killed with SIGKILL mid-job: its chunks run elsewhere, results complete, ordered, none duplicated', async () => {
    const [victim, survivor] = workers as [WorkerProcess, WorkerProcess];
    const { path, items } = markedItems(80, 'kill');
    // Kill the victim while it is inside an item: right after it left a fresh marker.
    let killed: Promise<void> | undefined;
    const watcher = setInterval(() => {
      const nowMs = Date.now();
      const fresh = readdirSync(path).some(
        (name) => name.endsWith(`.${victim.pid}`) && nowMs - statSync(join(path, name)).mtimeMs < 20,
      );
      if (fresh && readdirSync(path).length >= 8) {
        clearInterval(watcher);
        killed = victim.stop('SIGKILL');
      }
    }, 5);
    const results = await executor
      .map<unknown, { value: number; pid: number }>({ module: TASKS, export: 'doubleMarked' }, items, {
        plan: { mode: 'threads', chunkSize: 4 },
      })
      .finally(() => clearInterval(watcher));
    expect(killed).toBeDefined();
    await killed;
    expect(results).toHaveLength(items.length);
    expect(results.map((result) => result.value)).toEqual(items.map((item) => item.value * 2));
    // Items the victim started but never answered were run again by the survivor.
    const startedBy = new Map<number, Set<number>>();
    for (const name of readdirSync(path)) {
      const [value, pid] = name.split('.').map(Number) as [number, number];
      startedBy.set(value, (startedBy.get(value) ?? new Set()).add(pid));
    }
    const rerun = [...startedBy].filter(
      ([value, pids]) => pids.has(victim.pid) && results[value]?.pid === survivor.pid,
    );
    expect(rerun.length).toBeGreaterThan(0);
  }, 60_000);

  it('Redis restarted mid-job (empty, no persistence): lost chunks are sent again and the job completes', async () => {
    const resubmittedBefore = executor.stats().resubmitted;
    const { items } = markedItems(60, 'restart');
    let restarted: Promise<void> | undefined;
    const results = await executor.map<unknown, { value: number }>(
      { module: TASKS, export: 'doubleMarked' },
      items,
      {
        plan: { mode: 'threads', chunkSize: 3 },
        onProgress: (done) => {
          restarted ??=
            done >= 9
              ? (async () => {
                  await redis.kill();
                  await new Promise((resolve) => setTimeout(resolve, 500));
                  await redis.start();
                })()
              : undefined;
        },
      },
    );
    await restarted;
    expect(restarted).toBeDefined();
    expect(results.map((result) => result.value)).toEqual(items.map((item) => item.value * 2));
    expect(executor.stats().resubmitted).toBeGreaterThan(resubmittedBefore);
  }, 90_000);

  it('Redis gone for longer than options.connectionTimeoutMs: the job fails with TimeoutError naming Redis', async () => {
    const impatient = createBullmqExecutor({
      connection: redis.url,
      pollIntervalMs: 200,
      connectionTimeoutMs: 1500,
    });
    try {
      const { items } = markedItems(40, 'gone');
      let killed: Promise<void> | undefined;
      const error = await impatient
        .map({ module: TASKS, export: 'doubleMarked' }, items, {
          plan: { mode: 'threads', chunkSize: 2 },
          onProgress: (done) => {
            if (done >= 4) killed ??= redis.kill();
          },
        })
        .catch((caught: unknown) => caught);
      await killed;
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).message).toMatch(
        /redis at 127\.0\.0\.1:\d+ was unreachable for more than options\.connectionTimeoutMs = 1500 ms/,
      );
    } finally {
      await impatient.dispose();
    }
  }, 60_000);
});

describe('recovery with persistence', () => {
  it('Redis restarted mid-job with its append-only file: the queued chunks survive and the job completes', async () => {
    const durable = await startRedisServer({ appendOnly: true });
    const worker = await spawnWorker(durable.url, ['--concurrency', '2', ...FAST_RECOVERY]);
    const durableExecutor = createBullmqExecutor({ connection: durable.url, pollIntervalMs: 250 });
    try {
      const { items } = markedItems(40, 'durable');
      let restarted: Promise<void> | undefined;
      const results = await durableExecutor.map<unknown, { value: number }>(
        { module: TASKS, export: 'doubleMarked' },
        items,
        {
          plan: { mode: 'threads', chunkSize: 2 },
          onProgress: (done) => {
            restarted ??=
              done >= 6
                ? (async () => {
                    await durable.kill();
                    await durable.start();
                  })()
                : undefined;
          },
        },
      );
      await restarted;
      expect(restarted).toBeDefined();
      expect(results.map((result) => result.value)).toEqual(items.map((item) => item.value * 2));
    } finally {
      await durableExecutor.dispose();
      await worker.stop('SIGKILL');
      await durable.stop();
    }
  }, 90_000);
});
