import { type BenchCase, defineSuite } from '@toolbox/config/bench';
import {
  type RedisServer,
  redisServerPath,
  startRedisServer,
} from '../src/bullmq/_redis-server.test-helper.js';
import { type BullmqExecutor, createBullmqExecutor } from '../src/bullmq/index.js';
import { createExecutor, type Executor } from '../src/index.js';
import { spawnWorker, type WorkerProcess } from '../test/fixtures/worker-process.js';
import { spinPerMs, task, workloads } from './_workloads.js';

/**
 * The BullMQ backend against the local pool on one machine: the same 2 worker threads,
 * here behind a private redis-server and one `toolbox-worker --concurrency 2` process.
 * Ratios below 1 are the price of the queue; across machines it buys more cores.
 */
interface Rig {
  redis: RedisServer;
  worker: WorkerProcess;
  local: Executor;
  remote: BullmqExecutor;
}

let rig: Promise<Rig> | undefined;

function startRig(): Promise<Rig> {
  rig ??= (async () => {
    const redis = await startRedisServer();
    const worker = await spawnWorker(redis.url, ['--concurrency', '2']);
    return {
      redis,
      worker,
      local: createExecutor({ maxWorkers: 2 }),
      remote: createBullmqExecutor({ connection: redis.url }),
    };
  })();
  return rig;
}

/** Skips every case cleanly when this machine has no redis-server (CI installs it). */
async function setup(): Promise<unknown> {
  try {
    redisServerPath();
  } catch (error) {
    return { skip: (error as Error).message };
  }
  await startRig();
  return undefined;
}

export default defineSuite({
  name: 'executor-bullmq',
  cases: ({ quick }) => {
    const perMs = spinPerMs();
    const chunks = quick ? 100 : 400;
    const trivial = Array.from({ length: chunks }, (_, index) => index);
    const oneItemChunks = { plan: { mode: 'threads' as const, workers: 2, chunkSize: 1 } };
    // Not annotated as BenchCase literals: `setup` is the bench runner's lazy set-up (apps/bench).
    const overhead = {
      name: `per-chunk overhead: ${chunks} one-item chunks of x+1`,
      setup,
      baseline: {
        name: 'local pool',
        fn: async () => (await startRig()).local.map(task('addOne'), trivial, oneItemChunks),
      },
      candidate: {
        name: 'bullmq queue',
        fn: async () => (await startRig()).remote.map(task('addOne'), trivial, oneItemChunks),
      },
      work: { amount: chunks, unit: 'chunks' },
    };
    const cases: BenchCase[] = [overhead];
    // The executor suite's workloads that are worth sending anywhere, plus trivial work (the planner keeps it home).
    for (const workload of workloads(quick, perMs).filter((_, index) => index <= 2)) {
      const planned = {
        name: `planned map: ${workload.name}`,
        setup,
        baseline: {
          name: 'local pool',
          fn: async () => (await startRig()).local.map(workload.task, workload.items),
        },
        candidate: {
          name: 'bullmq queue',
          fn: async () => (await startRig()).remote.map(workload.task, workload.items),
        },
        work: { amount: workload.items.length, unit: 'items' },
      };
      cases.push(planned);
    }
    return cases;
  },
  teardown: async () => {
    const started = rig;
    rig = undefined;
    if (started === undefined) return;
    const { redis, worker, local, remote } = await started;
    await Promise.all([local.dispose(), remote.dispose()]);
    await worker.stop();
    await redis.stop();
  },
});
