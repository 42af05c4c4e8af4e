import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type Answer,
  call,
  irisRows,
  JOBS_TOKEN,
  type Running,
  startServer,
} from '../test/server-fixture.js';

let server: Running;
beforeAll(async () => {
  server = await startServer({ bodyLimitBytes: 1024 * 1024 });
});
afterAll(() => server.close());

function expectProblem(answer: Answer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ status, code, type: expect.stringMatching(/^urn:toolbox:problem:/) });
  expect(answer.body.detail.length).toBeGreaterThan(0);
}

describe('errors as application/problem+json', () => {
  it('413 for a 10 MB body', async () => {
    const body = JSON.stringify({ rows: [Array.from({ length: 1_200_000 }, () => 1.2345678)] });
    expect(body.length).toBeGreaterThan(10_000_000);
    expectProblem(await call(`${server.url}/v1/models/iris/predict`, { body }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('400 for malformed JSON, a schema violation (with every path) and a wrong content type', async () => {
    const malformed = await call(`${server.url}/v1/models/iris/predict`, { body: '{"rows": [[1, 2' });
    expectProblem(malformed, 400, 'INVALID_INPUT');
    const wrong = await call(`${server.url}/v1/models/iris/predict`, { body: { rows: [['a']] } });
    expectProblem(wrong, 400, 'INVALID_INPUT');
    expect(wrong.body.errors[0].path).toBe('body/rows/0/0');
    const extra = await call(`${server.url}/v1/models/iris/predict`, {
      body: { rows: irisRows(1), extra: 1 },
    });
    expectProblem(extra, 400, 'INVALID_INPUT');
    const text = await fetch(`${server.url}/v1/models/iris/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: 'rows',
    });
    expect(text.status).toBe(415);
  });

  it('400 for a model name with ../ (and nothing reaches the registry)', async () => {
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '..%2F', '.hidden', 'a%00b', 'x'.repeat(129)]) {
      expectProblem(
        await call(`${server.url}/v1/models/${name}/predict`, { body: { rows: irisRows(1) } }),
        400,
        'INVALID_INPUT',
      );
    }
    const alias = await call(`${server.url}/v1/models/iris/aliases/..%2Fx`, {
      method: 'PUT',
      body: { version: '1.0.0' },
      token: ADMIN_TOKEN,
    });
    expectProblem(alias, 400, 'INVALID_INPUT');
  });

  it('401 without or with a wrong token, 403 for a token without the scope', async () => {
    const url = `${server.url}/v1/models/iris/promote`;
    const missing = await call(url, { body: { version: '1.0.0' } });
    expectProblem(missing, 401, 'UNAUTHORIZED');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expectProblem(
      await call(url, { body: { version: '1.0.0' }, token: `${ADMIN_TOKEN}x` }),
      401,
      'UNAUTHORIZED',
    );
    expectProblem(
      await call(url, { body: { version: '1.0.0' }, headers: { authorization: `Basic ${ADMIN_TOKEN}` } }),
      401,
      'UNAUTHORIZED',
    );
    const forbidden = await call(url, { body: { version: '1.0.0' }, token: JOBS_TOKEN });
    expectProblem(forbidden, 403, 'FORBIDDEN');
    expect(JSON.stringify(forbidden.body)).not.toContain(JOBS_TOKEN);
  });

  it('404 for an unknown model, version and route; 409 for an invalid transition', async () => {
    expectProblem(
      await call(`${server.url}/v1/models/nope/predict`, { body: { rows: irisRows(1) } }),
      404,
      'REGISTRY_ERROR',
    );
    expectProblem(
      await call(`${server.url}/v1/models/iris/predict?version=9.9.9`, { body: { rows: irisRows(1) } }),
      404,
      'REGISTRY_ERROR',
    );
    expectProblem(await call(`${server.url}/v1/nothing`), 404, 'NOT_FOUND');
    const invalid = await call(`${server.url}/v1/models/iris/promote`, {
      body: { version: '1.0.1' },
      token: ADMIN_TOKEN,
    });
    expectProblem(invalid, 409, 'REGISTRY_ERROR');
    expect(invalid.body.detail).toMatch(/cannot move iris@1.0.1 from development to production/);
    expectProblem(
      await call(`${server.url}/v1/models/iris/rollback`, { body: {}, token: ADMIN_TOKEN }),
      409,
      'REGISTRY_ERROR',
    );
  });

  it('503 for a request that arrives on an open connection while the server drains', async () => {
    // A batcher that holds a request for 400 ms keeps the connection busy across close().
    const own = await startServer({ batching: { maxWaitMs: 400, maxBatchSize: 64 } });
    const { port } = new URL(own.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
    });
    const ended = new Promise((resolve) => socket.once('close', resolve));
    const body = JSON.stringify({ rows: irisRows(1) });
    socket.write(
      `POST /v1/models/iris/predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = own.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n');
    await closing;
    await ended;
    const responses = received.split(/(?=HTTP\/1\.1 )/);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(responses[0]).toContain('"predictions":[0]');
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(responses[1]).toMatch(/content-type: application\/problem\+json/i);
    expect(responses[1]).toMatch(/connection: close/i);
    expect(responses[1]).toContain('"code":"DRAINING"');
    expect(own.app.requestCounters).toEqual({ received: 2, answered: 2 });
    await own.toolbox.dispose();
  });
});
