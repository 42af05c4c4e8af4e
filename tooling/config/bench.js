// @ts-check

/**
 * Identity helper that gives a benchmark suite file its types.
 * Suites live in `packages/<name>/bench/*.bench.ts` and `apps/bench/suites/*.bench.ts`;
 * `pnpm bench` discovers and runs them.
 *
 * @template {import('./bench.d.ts').BenchSuite} T
 * @param {T} suite
 * @returns {T}
 */
export function defineSuite(suite) {
  return suite;
}
