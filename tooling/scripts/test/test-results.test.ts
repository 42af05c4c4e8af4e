import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectTotals, formatTotals } from '../src/test-results.js';

function workspace(reports: Record<string, object | undefined>): string {
  const root = mkdtempSync(join(tmpdir(), 'toolbox-totals-'));
  for (const [dir, report] of Object.entries(reports)) {
    mkdirSync(join(root, dir, '.test-results'), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify({ scripts: { test: 'vitest run' } }));
    if (report) writeFileSync(join(root, dir, '.test-results', 'vitest.json'), JSON.stringify(report));
  }
  mkdirSync(join(root, 'packages', 'untested'), { recursive: true });
  writeFileSync(join(root, 'packages', 'untested', 'package.json'), JSON.stringify({ scripts: {} }));
  return root;
}

describe('test totals', () => {
  it('sums passed, failed and skipped across packages', () => {
    const root = workspace({
      'packages/a': { numPassedTests: 10, numFailedTests: 0, numPendingTests: 1, testResults: [] },
      'apps/b': { numPassedTests: 5, numFailedTests: 2, numTodoTests: 1, testResults: [] },
    });
    const totals = collectTotals(root);
    expect(totals).toEqual({ passed: 15, failed: 2, skipped: 2, missing: [] });
    expect(formatTotals(totals)).toBe('15 passed, 2 failed, 2 skipped');
  });

  it('counts a suite that failed to load, and a package with no report, as failures', () => {
    const root = workspace({
      'packages/a': {
        numPassedTests: 3,
        numFailedTests: 0,
        testResults: [{ status: 'failed', assertionResults: [] }],
      },
      'packages/crashed': undefined,
    });
    const totals = collectTotals(root);
    expect(totals.failed).toBe(1);
    expect(totals.missing).toEqual([join(root, 'packages', 'crashed')]);
    expect(formatTotals(totals)).toBe('3 passed, 2 failed');
  });
});
