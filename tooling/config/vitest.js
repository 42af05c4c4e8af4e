// @ts-check
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The one test preset: colocated `src/**\/*.test.ts`, mocks restored between
 * tests, and a JSON report in `.test-results/` that `pnpm test` sums into the
 * `N passed, N failed` line.
 *
 * @param {{ root?: string, testTimeoutMs?: number, include?: string[] }} [options]
 */
export function packageConfig(options = {}) {
  const root = options.root ?? process.cwd();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return defineConfig({
    test: {
      name: pkg.name,
      root,
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      restoreMocks: true,
      testTimeout: options.testTimeoutMs ?? 20_000,
      reporters: ['default', 'json'],
      outputFile: { json: join(root, '.test-results', 'vitest.json') },
    },
  });
}
