import type { BenchCase, BenchContext, BenchSuite } from '@toolbox/config/bench';
import { type CaseResult, measureCase, type SamplingOptions } from './measure.js';

/** A selected case that was not measured, and why (e.g. a baseline tool not installed). */
export interface NotMeasured {
  suite: string;
  name: string;
  reason: string;
  target?: Omit<NonNullable<BenchCase['target']>, 'check'>;
}

export interface SuiteRun {
  results: CaseResult[];
  notMeasured: NotMeasured[];
}

export interface RunSuiteOptions {
  context: BenchContext;
  sampling: SamplingOptions;
  /** `--filter`: matched against `suite / case`; cases that do not match are never set up. */
  pattern?: RegExp;
  /** Told as each selected case finishes (for progress output). */
  onCase?: (outcome: CaseResult | NotMeasured) => void;
}

/** The reason in a setup's `{ skip: reason }`, else undefined. */
function skipReason(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('skip' in value)) return undefined;
  if (typeof value.skip !== 'string') {
    throw new TypeError(
      `a case's setup resolved to { skip } with a non-string reason: ${String(value.skip)}`,
    );
  }
  return value.skip;
}

/**
 * Runs one suite: declares its cases, keeps those `pattern` selects, then sets up and
 * measures each selected case in turn. Unselected cases' `setup` never runs, so a suite
 * that keeps its expensive work in `setup` costs nothing when filtered out. `teardown`
 * always runs.
 */
export async function runSuite(suite: BenchSuite, options: RunSuiteOptions): Promise<SuiteRun> {
  const run: SuiteRun = { results: [], notMeasured: [] };
  try {
    const selected = (await suite.cases(options.context)).filter(
      (benchCase) =>
        options.pattern === undefined || options.pattern.test(`${suite.name} / ${benchCase.name}`),
    );
    for (const benchCase of selected) {
      const reason = skipReason(await benchCase.setup?.());
      if (reason !== undefined) {
        const skipped: NotMeasured = { suite: suite.name, name: benchCase.name, reason };
        if (benchCase.target) {
          const { check: _check, ...target } = benchCase.target;
          skipped.target = target;
        }
        run.notMeasured.push(skipped);
        options.onCase?.(skipped);
        continue;
      }
      const result = await measureCase(suite.name, benchCase, options.sampling);
      run.results.push(result);
      options.onCase?.(result);
    }
  } finally {
    await suite.teardown?.();
  }
  return run;
}
