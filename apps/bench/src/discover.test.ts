import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverSuites } from './discover.js';

describe('discoverSuites', () => {
  it('finds package and app suites, nothing else', () => {
    const root = mkdtempSync(join(tmpdir(), 'toolbox-bench-'));
    for (const file of [
      'packages/math/bench/matmul.bench.ts',
      'packages/math/bench/helpers.ts',
      'packages/cache/src/hash.bench.ts',
      'apps/bench/suites/pipeline.bench.ts',
    ]) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), '');
    }
    expect(discoverSuites(root).map((file) => file.slice(root.length + 1))).toEqual([
      'apps/bench/suites/pipeline.bench.ts',
      'packages/math/bench/matmul.bench.ts',
    ]);
  });
});
