import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { CaseResult } from './measure.js';

/**
 * Committed quick-mode speedups, one per `suite / case`: the ratios a regression is
 * judged against. A case whose speedup falls below `REGRESSION_FACTOR` times its
 * committed value fails `pnpm bench --quick`.
 */
export type Baseline = Record<string, number>;

export const REGRESSION_FACTOR = 0.5;

export interface Regression {
  id: string;
  committed: number;
  measured: number;
}

export function caseId(result: Pick<CaseResult, 'suite' | 'name'>): string {
  return `${result.suite} / ${result.name}`;
}

export function loadBaseline(path: string): Baseline {
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as Baseline;
}

/** Writes the speedups of `results` as the new committed baseline (keeping cases not run this time). */
export function saveBaseline(path: string, previous: Baseline, results: readonly CaseResult[]): void {
  const next: Baseline = { ...previous };
  for (const result of results) next[caseId(result)] = Number(result.speedup.toFixed(3));
  const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(path, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** The cases whose speedup fell below half of the committed one. Cases without a committed value pass. */
export function findRegressions(results: readonly CaseResult[], baseline: Baseline): Regression[] {
  const regressions: Regression[] = [];
  for (const result of results) {
    const committed = baseline[caseId(result)];
    if (committed !== undefined && !(result.speedup >= committed * REGRESSION_FACTOR)) {
      regressions.push({ id: caseId(result), committed, measured: result.speedup });
    }
  }
  return regressions;
}
