#!/usr/bin/env node
// @ts-check
/**
 * `pnpm test`: lint and format (Biome), the dependency rule, then build, typecheck and
 * publint + attw through turbo, then every package's tests (two packages at a time),
 * then the quick benchmarks against their committed ratios (`pnpm bench --quick`: a
 * case below half its committed speedup fails); ends with one line `N passed, N failed` summed from the test runners'
 * reports, and exits non-zero if any step or test failed.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectTotals, formatTotals, testedPackageDirs } from './test-results.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

/** @param {string} title @param {string} command @param {string[]} args */
function step(title, command, args) {
  process.stdout.write(`\n=== ${title}\n`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env: process.env });
  const ok = result.status === 0;
  if (!ok) process.stdout.write(`=== ${title}: FAILED (exit ${result.status ?? result.signal})\n`);
  return ok;
}

for (const dir of testedPackageDirs(repoRoot))
  rmSync(join(dir, '.test-results'), { recursive: true, force: true });

const bin = (/** @type {string} */ name) => join(repoRoot, 'node_modules', '.bin', name);
const failedSteps = [
  step('lint and format (biome)', bin('biome'), ['check', '.']) ? undefined : 'biome',
  step('dependency rule', process.execPath, [join(import.meta.dirname, 'check-deps.js'), repoRoot])
    ? undefined
    : 'deps',
  step('build, typecheck, publint + attw (turbo)', bin('turbo'), [
    'run',
    'build',
    'typecheck',
    'lint:pkg',
    '--continue',
    '--output-logs=new-only',
  ])
    ? undefined
    : 'turbo build',
  // Two packages' tests at a time: with turbo's default of ten on a 2-core machine the
  // tests that measure (planner dry runs, CPU/wall ratios, lock waits) saw a machine
  // several times oversubscribed and failed now and then.
  step('tests (turbo, two packages at a time)', bin('turbo'), [
    'run',
    'test',
    '--concurrency=2',
    '--continue',
    '--output-logs=new-only',
  ])
    ? undefined
    : 'turbo test',
  step('quick benchmarks against the committed ratios', process.execPath, [
    '--import',
    'tsx',
    join(repoRoot, 'apps', 'bench', 'src', 'cli.ts'),
    '--quick',
  ])
    ? undefined
    : 'bench --quick',
].filter(Boolean);

const totals = collectTotals(repoRoot);
for (const dir of totals.missing)
  process.stdout.write(`no test report from ${dir} (its tests did not run)\n`);
if (failedSteps.length > 0) process.stdout.write(`failed steps: ${failedSteps.join(', ')}\n`);
process.stdout.write(`${formatTotals(totals)}\n`);
process.exit(failedSteps.length > 0 || totals.failed > 0 || totals.missing.length > 0 ? 1 : 0);
