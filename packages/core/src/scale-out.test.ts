import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '@toolbox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only helpers of the executor's BullMQ tests: a private redis-server and a toolbox-worker child process.
import { type RedisServer, startRedisServer } from '../../executor/src/bullmq/_redis-server.test-helper.js';
import { spawnWorker, type WorkerProcess } from '../../executor/test/fixtures/worker-process.js';
import { createToolbox } from './create-toolbox.js';

const TASKS = fileURLToPath(new URL('../../executor/test/fixtures/remote-tasks.mjs', import.meta.url));

let redis: RedisServer;
let worker: WorkerProcess;

beforeAll(async () => {
  redis = await startRedisServer();
  worker = await spawnWorker(redis.url, ['--concurrency', '2']);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await redis?.stop();
}, 30_000);

describe('createToolbox: scaling out', () => {
  it("backend { type: 'bullmq' } runs map, stream and run on toolbox-worker processes", async () => {
    await using toolbox = createToolbox({
      autoStart: false,
      advisor: false,
      backend: { type: 'bullmq', connection: redis.url },
    });
    const items = Array.from({ length: 12 }, (_, value) => ({ value }));
    const plan = { mode: 'threads' as const, chunkSize: 3 };
    const results = await toolbox.map<unknown, { value: number; pid: number }>(
      { module: TASKS, export: 'double' },
      items,
      { plan },
    );
    expect(results.map((result) => result.value)).toEqual(items.map((item) => item.value * 2));
    expect(new Set(results.map((result) => result.pid))).toEqual(new Set([worker.pid]));
    const streamed: number[] = [];
    for await (const result of toolbox.stream<unknown, { value: number }>(
      { module: TASKS, export: 'double' },
      items,
      {
        plan,
      },
    )) {
      streamed.push(result.value);
    }
    expect(streamed).toEqual(items.map((item) => item.value * 2));
    expect(
      await toolbox.run<unknown, { pid: number }>({ module: TASKS, export: 'double' }, { value: 1 }),
    ).toMatchObject({
      pid: worker.pid,
    });
  });

  it('cache.redis is a tier shared by toolboxes: a value set in one is a hit in another', async () => {
    const cache = { maxBytes: 1 << 20, redis: { url: redis.url, keyPrefix: 'scale-out-test:' } };
    await using writer = createToolbox({ autoStart: false, advisor: false, cache });
    await using reader = createToolbox({ autoStart: false, advisor: false, cache });
    await writer.cache?.set('answer', { value: new Float64Array([42]) });
    expect(await reader.cache?.get('answer')).toEqual({ value: new Float64Array([42]) });
    expect(reader.cache?.stats().remote).toMatchObject({ hits: 1 });
  });

  it('validates the backend and Redis options', () => {
    expect(() =>
      createToolbox({ autoStart: false, advisor: false, backend: { type: 'spark' } as never }),
    ).toThrow(/options\.backend\.type must be 'local' or 'bullmq', got spark/);
    expect(() =>
      createToolbox({ autoStart: false, advisor: false, cache: { redis: { url: redis.url, maxBytes: 0 } } }),
    ).toThrow(InvalidInputError);
  });
});
