import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, irisRows, type Running, startServer } from '../test/server-fixture.js';

let server: Running;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('health, readiness, metrics and the OpenAPI document', () => {
  it('is alive at once and ready once the workers are warm', async () => {
    expect((await call(`${server.url}/health`)).body).toEqual({ status: 'ok' });
    let ready = await call(`${server.url}/ready`);
    for (let attempt = 0; attempt < 200 && ready.status !== 200; attempt++) {
      expect(ready.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 50));
      ready = await call(`${server.url}/ready`);
    }
    expect(ready.body).toEqual({ ready: true, checks: { registry: true, workers: true, draining: false } });
    expect(server.toolbox.executor.stats().jobs).toBeGreaterThanOrEqual(1);
  });

  it('exports Prometheus text: machine gauges, per-route HTTP histograms, server gauges', async () => {
    await call(`${server.url}/v1/models/iris/predict`, { body: { rows: irisRows(1) } });
    await call(`${server.url}/v1/models/nope/predict`, { body: { rows: irisRows(1) } });
    const metrics = await call(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toMatch(/toolbox_system_cpu_percent/);
    expect(metrics.body).toMatch(
      /toolbox_operation_duration_seconds_count\{operation="http_request",method="POST",route="\/v1\/models\/:name\/predict",status="200"\} 1/,
    );
    expect(metrics.body).toMatch(/route="\/v1\/models\/:name\/predict",status="404"\} 1/);
    expect(metrics.body).toMatch(/toolbox_server_models_loaded 1/);
    expect(metrics.body).toMatch(/toolbox_server_requests_received_total \d+/);
  });

  it('documents every route in OpenAPI 3.1, with bearer security on the mutating ones', async () => {
    const { body } = await call(`${server.url}/openapi.json`);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/models/{name}/predict',
        '/v1/jobs',
        '/v1/jobs/{id}',
        '/v1/models',
        '/v1/models/{name}/versions',
        '/v1/models/{name}/promote',
        '/v1/models/{name}/rollback',
        '/v1/models/{name}/aliases/{alias}',
        '/metrics',
        '/health',
        '/ready',
      ]),
    );
    expect(body.paths['/v1/models/{name}/promote'].post.security).toEqual([{ bearer: [] }]);
    expect(body.paths['/v1/jobs'].post.security).toEqual([{ bearer: [] }]);
    expect(body.paths['/v1/models/{name}/predict'].post.security).toBeUndefined();
    expect(body.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });
});
