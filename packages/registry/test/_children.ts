import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WRITER = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

export function requireBuild(): void {
  if (!existsSync(BUILT))
    throw new Error(`${BUILT} is missing: run \`pnpm --filter @toolbox/registry build\` before these tests`);
}

export interface Writer {
  child: ChildProcess;
  /** Complete `ack` lines received so far: [version, sha256]. */
  acks: [string, string][];
  ready: Promise<void>;
  exited: Promise<number | null>;
  stderr: () => string;
}

const running = new Set<ChildProcess>();

/** SIGKILLs writers still running (a failed or timed-out test must not leave `forever` writers behind). */
export function killRunningWriters(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startWriter(args: string[]): Writer {
  const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const acks: [string, string][] = [];
  let buffered = '';
  let errors = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') markReady();
      const match = /^ack (\S+) ([0-9a-f]{64})$/.exec(line);
      if (match) acks.push([match[1] as string, match[2] as string]);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // A child that dies before printing `ready` must not leave the test waiting forever.
  void exited.then(() => markReady());
  return { child, acks, ready, exited, stderr: () => errors };
}
