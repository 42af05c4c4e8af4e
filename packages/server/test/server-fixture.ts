// Test-only helpers (not exported): a registry with two versions of an iris model, and a server on a free loopback port.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToolbox, type Toolbox } from '@toolbox/core';
import { createEstimator } from '@toolbox/predictor';
import { loadDataset } from '@toolbox/predictor/datasets';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../src/create-server.js';
import type { ServerOptions } from '../src/options.js';

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const JOBS_TOKEN = 'jobs-only-token-0123456789';
export const iris = loadDataset('iris');
export const irisRows = (count: number): number[][] =>
  Array.from({ length: count }, (_, row) => Array.from(iris.X.data.subarray(row * 4, row * 4 + 4)));

/** Fits kNN (k = 1 for 1.0.0, k = 15 for 1.0.1) on iris and registers both; 1.0.0 in production. */
export function seedRegistry(dir: string): void {
  const toolbox = createToolbox({ autoStart: false, advisor: false, cache: false, registry: { dir } });
  const registry = toolbox.registry!;
  for (const k of [1, 15]) {
    const model = createEstimator({
      estimator: 'Pipeline',
      params: { steps: [{ estimator: 'StandardScaler' }, { estimator: 'KNNClassifier', params: { k } }] },
    });
    registry.createVersion('iris', { artifact: model.fit(iris.X, iris.y).toJSON(), params: { k } });
  }
  registry.transition('iris', '1.0.0', 'staging');
  registry.promote('iris', '1.0.0');
  void toolbox.dispose();
}

export interface Running {
  url: string;
  app: FastifyInstance;
  toolbox: Toolbox;
  dir: string;
  close: () => Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'toolbox-server-'));
  seedRegistry(dir);
  const toolbox = createToolbox({ autoStart: false, advisor: false, maxCpuPercent: 100, registry: { dir } });
  const app = createServer(toolbox, {
    auth: { tokens: [ADMIN_TOKEN, { token: JOBS_TOKEN, scopes: ['jobs'] }] },
    ...options,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    app,
    toolbox,
    dir,
    close: async () => {
      await app.close();
      await toolbox.dispose();
    },
  };
}

/** A parsed JSON answer: the tests assert on its shape. */
// biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes, checked by the assertions
export type Json = any;

export interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

/** fetch with JSON in and out. */
export async function call(
  url: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    headers: response.headers,
    body: type.includes('json') ? JSON.parse(text) : text,
  };
}
