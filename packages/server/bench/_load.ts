// Shared by server.bench.ts and load-test.ts: a digits kNN model in a temp registry, the
// built toolbox-server in a child process (so the load generator does not share its
// event loop), and autocannon against it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createToolbox } from '@toolbox/core';
import { createEstimator } from '@toolbox/predictor';
import { loadDataset } from '@toolbox/predictor/datasets';
import autocannon from 'autocannon';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** A registry holding kNN (k = 5, scaled) fitted on digits, in production; and one request body (a single row). */
export function digitsRegistry(): { dir: string; body: string } {
  const dir = mkdtempSync(join(tmpdir(), 'toolbox-server-bench-'));
  const digits = loadDataset('digits');
  const toolbox = createToolbox({ autoStart: false, advisor: false, cache: false, registry: { dir } });
  const model = createEstimator({
    estimator: 'Pipeline',
    params: { steps: [{ estimator: 'StandardScaler' }, { estimator: 'KNNClassifier', params: { k: 5 } }] },
  }).fit(digits.X, digits.y);
  const registry = toolbox.registry!;
  registry.createVersion('digits', { artifact: model.toJSON() });
  registry.transition('digits', '1.0.0', 'staging');
  registry.promote('digits', '1.0.0');
  void toolbox.dispose();
  return { dir, body: JSON.stringify({ rows: [Array.from(digits.X.data.subarray(0, digits.X.cols))] }) };
}

export interface ServerProcess {
  url: string;
  /** Resident set size of the server process now, bytes. */
  rssBytes(): number;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export async function startServerProcess(dir: string, batching: boolean): Promise<ServerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, '--registry', dir, '--port', '0', ...(batching ? [] : ['--no-batching'])],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1] as string);
    });
    void exited.then((code) => reject(new Error(`toolbox-server exited with ${code} before listening`)));
  });
  return {
    url,
    rssBytes: () => {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      return Number(kb) * 1024;
    },
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
}

/** `connections` clients posting `body` to the digits model, for `amount` requests or `durationSec` seconds. */
export async function load(
  url: string,
  body: string,
  options: { connections: number; amount?: number; durationSec?: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}/v1/models/digits/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: options.connections,
    ...(options.amount === undefined ? { duration: options.durationSec } : { amount: options.amount }),
  });
  const seconds = result.duration;
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
