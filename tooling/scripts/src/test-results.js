// @ts-check
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {{ passed: number, failed: number, skipped: number, missing: string[] }} Totals
 */

/** Workspace package directories (packages/*, apps/*, tooling/*) whose package.json has a `test` script. */
export function testedPackageDirs(/** @type {string} */ repoRoot) {
  return ['packages', 'apps', 'tooling'].flatMap((group) => {
    const groupDir = join(repoRoot, group);
    if (!existsSync(groupDir)) return [];
    return readdirSync(groupDir)
      .map((entry) => join(groupDir, entry))
      .filter((dir) => {
        const manifest = join(dir, 'package.json');
        return existsSync(manifest) && Boolean(JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test);
      });
  });
}

/**
 * Sums the Vitest JSON reports (`.test-results/vitest.json`) of every tested package.
 * A package without a report (its runner crashed before writing one) is listed in `missing`.
 *
 * @param {string} repoRoot
 * @returns {Totals}
 */
export function collectTotals(repoRoot) {
  /** @type {Totals} */
  const totals = { passed: 0, failed: 0, skipped: 0, missing: [] };
  for (const dir of testedPackageDirs(repoRoot)) {
    const reportPath = join(dir, '.test-results', 'vitest.json');
    if (!existsSync(reportPath)) {
      totals.missing.push(dir);
      continue;
    }
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A suite that failed to load has no tests in it but must still count as a failure.
    for (const file of report.testResults ?? []) {
      if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) totals.failed += 1;
    }
  }
  return totals;
}

/** The closing line CI reads: `N passed, N failed` (and `, N skipped` when any were). */
export function formatTotals(/** @type {Totals} */ totals) {
  const failed = totals.failed + totals.missing.length;
  return `${totals.passed} passed, ${failed} failed${totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''}`;
}
