import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const benchDir = resolve(import.meta.dirname, '..');
const fixtureRoot = join(import.meta.dirname, 'fixtures', 'slow-repo');

/** `pnpm bench --quick` over the suites of `root`, reports into a fresh temp dir (`out`); no committed baseline unless given. */
function runQuick(root: string, options: { filter?: string; baseline?: string } = {}) {
  const out = mkdtempSync(join(tmpdir(), 'toolbox-bench-out-'));
  const args = [
    '--quick',
    ...(options.filter === undefined ? [] : ['--filter', options.filter]),
    '--root',
    root,
    '--baseline',
    options.baseline ?? join(out, 'none.json'),
    '--out',
    out,
  ];
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, 'src', 'cli.ts'), ...args], {
    cwd: benchDir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { ...result, out };
}

describe('pnpm bench --quick', () => {
  it('fails on a case that stays below half its committed ratio when measured again, and writes the three reports', () => {
    const result = runQuick(fixtureRoot, { baseline: join(fixtureRoot, 'baseline.json') });
    const { out } = result;
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /REGRESSION fixture \/ deliberately slowed: speedup \d\.\d\dx is below half the committed 10\.00x \(measured 3 times\)/,
    );
    expect(result.stdout.match(/measuring again: fixture \/ deliberately slowed/g)).toHaveLength(2);
    for (const file of ['bench-results.json', 'BENCHMARKS.md', 'bench-report.html']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const report = JSON.parse(readFileSync(join(out, 'bench-results.json'), 'utf8'));
    expect(report.cases).toHaveLength(1);
    expect(report.cases[0].baseline.samplesMs.length).toBeGreaterThanOrEqual(3);
    expect(readFileSync(join(out, 'bench-report.html'), 'utf8')).toContain('data-speedup=');
  }, 90_000);

  it('passes the same case against a baseline it meets', () => {
    const result = runQuick(fixtureRoot);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('no regression against');
  }, 90_000);
});

describe('pnpm bench --filter', () => {
  const filterRoot = join(import.meta.dirname, 'fixtures', 'filter-repo');

  it('never sets up a case it filters out, and reports a skipped case as not measured', () => {
    const result = runQuick(filterRoot, { filter: 'cheap' });
    const { out } = result;
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('expensive');
    const report = JSON.parse(readFileSync(join(out, 'bench-results.json'), 'utf8'));
    expect(report.cases.map((entry: { name: string }) => entry.name)).toEqual(['sqrt']);
    expect(report.notMeasured).toEqual([
      {
        suite: 'cheap',
        name: 'vs a missing tool',
        reason: 'the tool is not installed',
        target: { minSpeedup: 1, label: 'faster than the tool' },
      },
    ]);
    expect(readFileSync(join(out, 'BENCHMARKS.md'), 'utf8')).toContain(
      '| vs a missing tool | – | – | not measured |  | not measured (the tool is not installed): faster than the tool |',
    );
  }, 90_000);

  it('would fail the run had the excluded set-up run (the fixture is live)', () => {
    const result = runQuick(filterRoot, { filter: 'expensive' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('expensive set-up ran although --filter excluded the case');
  }, 90_000);
});
