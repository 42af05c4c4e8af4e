import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { irisRows, seedRegistry } from '../test/server-fixture.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Outcome {
  status: number;
  body: string;
}

function post(agent: Agent, port: number, body: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/models/iris/predict',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('toolbox-server (the built bin)', () => {
  it('on SIGTERM under load answers every accepted request in full and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolbox-server-cli-'));
    seedRegistry(dir);
    const child = spawn(process.execPath, [cli, '--registry', dir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (let attempt = 0; attempt < 300 && !/listening on/.test(stdout); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
    expect(port).toBeGreaterThan(0);

    const rows = irisRows(5);
    const body = JSON.stringify({ rows });
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const outcomes: Outcome[] = [];
    const failures: string[] = [];
    let stopAt = Number.POSITIVE_INFINITY;
    const client = async () => {
      while (Date.now() < stopAt) {
        try {
          outcomes.push(await post(agent, port, body));
        } catch (error) {
          failures.push((error as NodeJS.ErrnoException).code ?? String(error));
          // After SIGTERM new connections are refused: this client is done.
          if (Date.now() > stopAt - 5_000) return;
        }
      }
    };
    const clients = Array.from({ length: 32 }, client);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const beforeSignal = outcomes.length;
    child.kill('SIGTERM');
    stopAt = Date.now() + 5_000;
    const code = await exited;
    stopAt = 0;
    await Promise.all(clients);
    agent.destroy();

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(beforeSignal).toBeGreaterThan(10);
    for (const outcome of outcomes) {
      expect([200, 503]).toContain(outcome.status);
      const parsed = JSON.parse(outcome.body);
      if (outcome.status === 200) expect(parsed.predictions).toHaveLength(5);
      else expect(parsed.code).toBe('DRAINING');
    }
    const counted = /answered (\d+) of (\d+) requests/.exec(stdout);
    expect(counted?.[1]).toBe(counted?.[2]);
    // Every response the server finished reached a client whole; the rest were never accepted.
    expect(Number(counted?.[1])).toBe(outcomes.length);
    for (const failure of failures) expect(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']).toContain(failure);
  }, 60_000);
});
