import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  call,
  irisRows,
  JOBS_TOKEN,
  type Json,
  type Running,
  startServer,
} from '../test/server-fixture.js';

const tasks = fileURLToPath(new URL('../test/fixtures/tasks.mjs', import.meta.url));
let server: Running;
beforeAll(async () => {
  server = await startServer({
    tasks: {
      double: { module: tasks, export: 'double' },
      slow: { module: tasks, export: 'slowDouble' },
      failing: { module: tasks, export: 'failOnSeven' },
    },
    maxConcurrentJobs: 1,
  });
});
afterAll(() => server.close());

async function waitFor(id: string, done: (job: Json) => boolean): Promise<Json> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const job = (await call(`${server.url}/v1/jobs/${id}`)).body;
    if (done(job)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not get there`);
}
const finished = (job: Json) => ['succeeded', 'failed', 'cancelled'].includes(job.status);

describe('batch jobs on a real server', () => {
  it('runs a batch predict job to the same answers as online predictions', async () => {
    const rows = irisRows(150);
    const created = await call(`${server.url}/v1/jobs`, {
      body: { kind: 'predict', model: 'iris', rows, probabilities: true },
      token: JOBS_TOKEN,
    });
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(`/v1/jobs/${created.body.id}`);
    expect(created.body).toMatchObject({ kind: 'predict', progress: { done: 0, total: 150 } });
    const job = await waitFor(created.body.id, finished);
    expect(job.status).toBe('succeeded');
    expect(job.progress).toEqual({ done: 150, total: 150 });
    const online = await call(`${server.url}/v1/models/iris/predict`, { body: { rows } });
    expect(job.result.version).toBe('1.0.0');
    expect(job.result.predictions).toEqual(online.body.predictions);
    expect(job.result.probabilities).toHaveLength(150);
  });

  it('maps a registered task on the workers, with progress, in order', async () => {
    const items = Array.from({ length: 200 }, (_, index) => index);
    const created = await call(`${server.url}/v1/jobs`, {
      body: { kind: 'map', task: 'double', items },
      token: ADMIN_TOKEN,
    });
    const job = await waitFor(created.body.id, finished);
    expect(job.status).toBe('succeeded');
    expect(job.result.results).toEqual(items.map((item) => item * 2));
    const list = await call(`${server.url}/v1/jobs`);
    expect(list.body.items.map((entry: { id: string }) => entry.id)).toContain(created.body.id);
  });

  it('cancels a running job and a queued one; a finished job cannot be cancelled', async () => {
    const items = Array.from({ length: 400 }, (_, index) => index);
    const running = await call(`${server.url}/v1/jobs`, {
      body: { kind: 'map', task: 'slow', items },
      token: JOBS_TOKEN,
    });
    const queued = await call(`${server.url}/v1/jobs`, {
      body: { kind: 'map', task: 'slow', items },
      token: JOBS_TOKEN,
    });
    await waitFor(running.body.id, (job) => job.status === 'running');
    expect((await call(`${server.url}/v1/jobs/${queued.body.id}`)).body.status).toBe('queued');

    const cancelQueued = await call(`${server.url}/v1/jobs/${queued.body.id}`, {
      method: 'DELETE',
      token: JOBS_TOKEN,
    });
    expect(cancelQueued.status).toBe(202);
    expect(cancelQueued.body.status).toBe('cancelled');
    const cancelRunning = await call(`${server.url}/v1/jobs/${running.body.id}`, {
      method: 'DELETE',
      token: JOBS_TOKEN,
    });
    expect(cancelRunning.status).toBe(202);
    const job = await waitFor(running.body.id, finished);
    expect(job.status).toBe('cancelled');
    expect(job.progress.done).toBeLessThan(400);
    expect(job.result).toBeUndefined();

    const again = await call(`${server.url}/v1/jobs/${running.body.id}`, {
      method: 'DELETE',
      token: JOBS_TOKEN,
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
  });

  it('reports a failed job with its problem, and refuses bad jobs up front', async () => {
    const failing = await call(`${server.url}/v1/jobs`, {
      body: { kind: 'predict', model: 'iris', rows: [[1, 2]] },
      token: JOBS_TOKEN,
    });
    const job = await waitFor(failing.body.id, finished);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ status: 400, code: 'SHAPE_MISMATCH' });

    const failingMap = await call(`${server.url}/v1/jobs`, {
      body: { kind: 'map', task: 'failing', items: Array.from({ length: 20 }, (_, index) => index) },
      token: JOBS_TOKEN,
    });
    const mapJob = await waitFor(failingMap.body.id, finished);
    expect(mapJob.status).toBe('failed');
    expect(mapJob.error).toMatchObject({ status: 422, code: 'TASK_FAILED' });
    expect(mapJob.error.detail).toMatch(/item 7/);

    const unknownTask = await call(`${server.url}/v1/jobs`, {
      body: { kind: 'map', task: 'nope', items: [1] },
      token: JOBS_TOKEN,
    });
    expect(unknownTask.status).toBe(400);
    expect(unknownTask.body.detail).toMatch(
      /task "nope" is not registered; registered: double, slow, failing/,
    );
    const unknownModel = await call(`${server.url}/v1/jobs`, {
      body: { kind: 'predict', model: 'nope', rows: [[1]] },
      token: JOBS_TOKEN,
    });
    expect(unknownModel.status).toBe(404);
    const wrongShape = await call(`${server.url}/v1/jobs`, {
      body: { kind: 'map', task: 'double' },
      token: JOBS_TOKEN,
    });
    expect(wrongShape.status).toBe(400);
    expect((await call(`${server.url}/v1/jobs/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await call(`${server.url}/v1/jobs/not-a-uuid`)).status).toBe(400);
  });
});
