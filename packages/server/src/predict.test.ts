import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, irisRows, type Running, startServer } from '../test/server-fixture.js';

let server: Running;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const predict = (query = '', headers: Record<string, string> = {}, rows = irisRows(3)) =>
  call(`${server.url}/v1/models/iris/predict${query}`, { body: { rows }, headers });

describe('POST /v1/models/:name/predict on a real server', () => {
  it('answers from the production stage by default, with probabilities when asked', async () => {
    const answer = await call(`${server.url}/v1/models/iris/predict`, {
      body: { rows: irisRows(2), probabilities: true },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-toolbox-model-version')).toBe('1.0.0');
    expect(answer.body).toMatchObject({ model: 'iris', version: '1.0.0', stage: 'production' });
    expect(answer.body.predictions).toEqual([0, 0]);
    expect(answer.body.classes).toEqual([0, 1, 2]);
    expect(answer.body.probabilities).toHaveLength(2);
    expect(answer.body.probabilities[0].reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('answers a pinned version and an alias', async () => {
    expect((await predict('?version=1.0.1')).body.version).toBe('1.0.1');
    await call(`${server.url}/v1/models/iris/aliases/candidate`, {
      method: 'PUT',
      body: { version: '1.0.1' },
      token: ADMIN_TOKEN,
    });
    expect((await predict('?alias=candidate')).body.version).toBe('1.0.1');
    expect((await predict('?alias=nope')).status).toBe(404);
    expect((await predict('?alias=candidate&version=1.0.0')).status).toBe(400);
  });

  it('serves a promoted version and a moved alias without a restart', async () => {
    const { url } = server;
    await call(`${url}/v1/models/iris/aliases/champion`, {
      method: 'PUT',
      body: { version: '1.0.0' },
      token: ADMIN_TOKEN,
    });
    expect((await predict('?alias=champion')).body.version).toBe('1.0.0');
    const moved = await call(`${url}/v1/models/iris/aliases/champion`, {
      method: 'PUT',
      body: { version: '1.0.1' },
      token: ADMIN_TOKEN,
    });
    expect(moved.status).toBe(200);
    expect((await predict('?alias=champion')).body.version).toBe('1.0.1');

    const staged = await call(`${url}/v1/models/iris/promote`, {
      body: { version: '1.0.1', stage: 'staging' },
      token: ADMIN_TOKEN,
    });
    expect(staged.body.stage).toBe('staging');
    const promoted = await call(`${url}/v1/models/iris/promote`, {
      body: { version: '1.0.1' },
      token: ADMIN_TOKEN,
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ version: '1.0.1', stage: 'production' });
    expect((await predict()).body).toMatchObject({ version: '1.0.1', stage: 'production' });

    const rolledBack = await call(`${url}/v1/models/iris/rollback`, {
      body: { reason: 'test' },
      token: ADMIN_TOKEN,
    });
    expect(rolledBack.body).toMatchObject({ version: '1.0.0', stage: 'production' });
    expect((await predict()).body.version).toBe('1.0.0');
  });

  it('routes by the A/B split: a key always gets the same variant, both variants answer', async () => {
    const { url } = server;
    await call(`${url}/v1/models/iris/aliases/control`, {
      method: 'PUT',
      body: { version: '1.0.0' },
      token: ADMIN_TOKEN,
    });
    await call(`${url}/v1/models/iris/aliases/treatment`, {
      method: 'PUT',
      body: { version: '1.0.1' },
      token: ADMIN_TOKEN,
    });
    const split = await call(`${url}/v1/models/iris/ab`, {
      method: 'PUT',
      body: { aliases: { control: 1, treatment: 1 } },
      token: ADMIN_TOKEN,
    });
    expect(split.status).toBe(200);
    const seen = new Map<string, string>();
    for (let user = 0; user < 40; user++) {
      const answer = await predict('', { 'x-routing-key': `user-${user}` });
      expect(answer.headers.get('x-toolbox-variant')).toBe(answer.body.variant);
      expect(answer.body.version).toBe(answer.body.variant === 'control' ? '1.0.0' : '1.0.1');
      seen.set(`user-${user}`, answer.body.variant);
    }
    expect(new Set(seen.values())).toEqual(new Set(['control', 'treatment']));
    for (const [key, variant] of [...seen].slice(0, 10)) {
      expect((await predict('', { 'x-routing-key': key })).body.variant).toBe(variant);
    }
    const stats = await call(`${url}/v1/models/iris/ab`);
    const routed = stats.body.stats.reduce((sum: number, entry: { routed: number }) => sum + entry.routed, 0);
    expect(routed).toBe(50);
    // A pinned version bypasses the split.
    expect((await predict('?version=1.0.1', { 'x-routing-key': 'user-0' })).body.variant).toBeUndefined();
    const removed = await call(`${url}/v1/models/iris/ab`, { method: 'DELETE', token: ADMIN_TOKEN });
    expect(removed.status).toBe(204);
    expect((await predict('', { 'x-routing-key': 'user-0' })).body.variant).toBeUndefined();
  });

  it('coalesces concurrent requests into batches, each caller getting its own rows back', async () => {
    const rows = irisRows(150);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        predict('?version=1.0.0', {}, rows.slice(index * 5, index * 5 + 5)),
      ),
    );
    const predictions = answers.flatMap((answer) => answer.body.predictions);
    const alone = await predict('?version=1.0.0', {}, rows);
    expect(predictions).toEqual(alone.body.predictions);
    const metrics = await call(`${server.url}/metrics`);
    expect(metrics.body).toMatch(/toolbox_server_models_loaded [1-9]/);
  });

  it('refuses a request whose rows do not fit the model, without failing the batch it shares', async () => {
    const [bad, good] = await Promise.all([predict('', {}, [[1, 2]]), predict('', {}, irisRows(1))]);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('SHAPE_MISMATCH');
    expect(good.status).toBe(200);
    const ragged = await predict('', {}, [
      [1, 2, 3, 4],
      [1, 2, 3],
    ]);
    expect(ragged.status).toBe(400);
    expect(ragged.body.detail).toMatch(/rows\[1\] has 3 values but rows\[0\] has 4/);
  });
});
