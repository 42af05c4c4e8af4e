import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashKey } from '../src/index.js';

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

async function node(script: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [join(fixtures, script), ...args], { timeout: 120_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

let dir: string;

beforeAll(() => {
  if (!existsSync(join(dist, 'index.js')) || !existsSync(join(dist, 'index.cjs'))) {
    throw new Error('these tests run the built package: run `pnpm --filter @toolbox/cache build` first');
  }
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolbox-dist-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the built package', () => {
  it('works as ESM and as CommonJS, with the same keys as the source, sharing a disk cache', async () => {
    const cjs = await node('formats.cjs', dir);
    const esm = await node('formats.mjs', dir);
    const expected = hashKey({ a: [1, 'x'], b: new Float64Array([1, 2]) });
    expect(cjs.key).toBe(expected);
    expect(esm.key).toBe(expected);
    expect(esm.streamed).toBe(cjs.streamed);
    expect(esm).toMatchObject({ squared: 144, runs: 0 }); // served from the CJS run's disk entry
  });

  it('two processes writing and reading one directory concurrently lose nothing and never see a torn value', async () => {
    const count = 150;
    const startAt = String(Date.now() + 1_500);
    const results = await Promise.all([
      node('worker.mjs', dir, 'A', String(count), startAt),
      node('worker.mjs', dir, 'B', String(count), startAt),
    ]);
    for (const result of results) {
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ corrupt: 0, writeErrors: 0 });
    }
    const [fromA, fromB] = await Promise.all([
      node('read-other.mjs', dir, 'B', String(count)),
      node('read-other.mjs', dir, 'A', String(count)),
    ]);
    expect(fromA.found).toBe(count);
    expect(fromB.found).toBe(count);
    const files = readdirSync(dir).flatMap((shard) => readdirSync(join(dir, shard)));
    expect(files.filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    expect(files).toHaveLength(3 * count);
  }, 180_000);

  it('two processes evicting under a small size cap never crash, never return a wrong value, and keep the cap', async () => {
    const maxBytes = 300_000; // ~130 entries of ~2.3 kB, while each process writes 600
    const startAt = String(Date.now() + 1_500);
    const results = await Promise.all([
      node('worker.mjs', dir, 'A', '100', startAt, String(maxBytes)),
      node('worker.mjs', dir, 'B', '100', startAt, String(maxBytes)),
    ]);
    for (const result of results) {
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ corrupt: 0, writeErrors: 0 });
      expect(result.evictions).toBeGreaterThan(0);
    }
    const files = readdirSync(dir).flatMap((shard) =>
      readdirSync(join(dir, shard)).map((name) => statSync(join(dir, shard, name)).size),
    );
    // Each process sees the other's writes at its next rescan (after ≤ 10 % of the cap).
    expect(files.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(maxBytes * 1.2);
  }, 180_000);
});
