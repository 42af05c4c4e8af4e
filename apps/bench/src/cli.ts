import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchContext, BenchSuite } from '@toolbox/config/bench';
import { usableCores } from '@toolbox/monitor';
import { findRegressions, loadBaseline, saveBaseline } from './baseline.js';
import { discoverSuites } from './discover.js';
import { renderHtml } from './html-report.js';
import { type CaseResult, FULL_SAMPLING, QUICK_SAMPLING, type SamplingOptions } from './measure.js';
import { type BenchReport, renderConsoleTable, renderMarkdown } from './report.js';
import { type NotMeasured, runSuite } from './run-suite.js';

const HELP = `Usage: pnpm bench [-- options]

Runs every benchmark suite (packages/*/bench/*.bench.ts, apps/bench/suites/*.bench.ts),
each case beside its named baseline in this process, and writes bench-results.json,
BENCHMARKS.md and bench-report.html.

Options:
  --quick             small inputs and short sampling (under a minute; used in CI). Fails
                      when a case's speedup falls below half its committed value in
                      apps/bench/baseline.json (and stays there when measured twice more)
  --filter <pattern>  only cases whose "suite / case" name matches the pattern (regular
                      expression); the others are never set up
  --out <dir>         where to write the reports (default: apps/bench, or apps/bench/.quick with --quick)
  --update-baseline   with --quick: record this run's speedups as the committed baseline
  --baseline <file>   the baseline file (default: apps/bench/baseline.json)
  --root <dir>        the repository whose suites to run (default: this one)
  --help              this text
`;

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
/** Times a case that fell below half its committed ratio in --quick is measured again before it fails the run. */
const REMEASURES = 2;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface SuitesRun {
  results: CaseResult[];
  notMeasured: NotMeasured[];
  failedSuites: string[];
}

/** Runs every discovered suite's selected cases, printing progress. */
async function runSuites(
  root: string,
  options: { context: BenchContext; sampling: SamplingOptions; pattern: RegExp | undefined },
): Promise<SuitesRun> {
  const run: SuitesRun = { results: [], notMeasured: [], failedSuites: [] };
  for (const file of discoverSuites(root)) {
    const name = relative(root, file);
    const startedMs = performance.now();
    try {
      const suite = ((await import(pathToFileURL(file).href)) as { default: BenchSuite }).default;
      let first = true;
      await runSuite(suite, {
        ...options,
        onCase: (outcome) => {
          if (first) process.stdout.write(`${suite.name} (${name})\n`);
          first = false;
          if ('reason' in outcome) {
            run.notMeasured.push(outcome);
            process.stdout.write(`  ${outcome.name}: not measured (${outcome.reason})\n`);
          } else {
            run.results.push(outcome);
            process.stdout.write(`  ${outcome.name}: ${outcome.speedup.toFixed(2)}x\n`);
          }
        },
      });
      if (!first) process.stdout.write(`  (${((performance.now() - startedMs) / 1000).toFixed(1)} s)\n`);
    } catch (error) {
      run.failedSuites.push(name);
      process.stderr.write(`suite ${name} failed: ${(error as Error).stack ?? String(error)}\n`);
    }
  }
  return run;
}

async function main(): Promise<void> {
  // `pnpm bench -- --help` passes the `--` through; drop it.
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift();
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      filter: { type: 'string' },
      out: { type: 'string' },
      'update-baseline': { type: 'boolean', default: false },
      baseline: { type: 'string', default: resolve(import.meta.dirname, '..', 'baseline.json') },
      root: { type: 'string', default: repoRoot },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const pattern = values.filter === undefined ? undefined : new RegExp(values.filter, 'i');
  const context = { quick: values.quick };
  const sampling = values.quick ? QUICK_SAMPLING : FULL_SAMPLING;
  const outDir = values.out ?? resolve(import.meta.dirname, '..', values.quick ? '.quick' : '.');
  const root = resolve(values.root as string);
  const { results, notMeasured, failedSuites } = await runSuites(root, { context, sampling, pattern });

  const report: BenchReport = {
    createdAt: new Date().toISOString(),
    mode: values.quick ? 'quick' : 'full',
    machine: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      logicalCores: availableParallelism(),
      usableCores: usableCores(),
      totalMemoryBytes: totalmem(),
    },
    cases: results,
    notMeasured,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench-results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'BENCHMARKS.md'), renderMarkdown(report));
  writeFileSync(join(outDir, 'bench-report.html'), renderHtml(report));
  process.stdout.write(
    `\n${renderConsoleTable(results, notMeasured)}\n\nwrote bench-results.json, BENCHMARKS.md and bench-report.html to ${outDir}\n`,
  );

  let failed = failedSuites.length > 0;
  if (values.quick) {
    const baselinePath = values.baseline as string;
    const baseline = loadBaseline(baselinePath);
    if (values['update-baseline']) {
      saveBaseline(baselinePath, baseline, results);
      process.stdout.write(`updated ${baselinePath}\n`);
    } else {
      let regressions = findRegressions(results, baseline);
      // A loaded machine can halve a ratio for a moment: a case fails only if it stays
      // below half its committed value when measured again, up to REMEASURES times.
      for (let attempt = 0; attempt < REMEASURES && regressions.length > 0; attempt++) {
        const again = new RegExp(`^(?:${regressions.map(({ id }) => escapeRegExp(id)).join('|')})$`);
        process.stdout.write(`measuring again: ${regressions.map(({ id }) => id).join(', ')}\n`);
        const rerun = await runSuites(root, { context, sampling, pattern: again });
        regressions = findRegressions(rerun.results, baseline);
      }
      for (const { id, committed, measured } of regressions) {
        process.stderr.write(
          `REGRESSION ${id}: speedup ${measured.toFixed(2)}x is below half the committed ${committed.toFixed(2)}x (measured ${REMEASURES + 1} times)\n`,
        );
      }
      failed ||= regressions.length > 0;
      if (regressions.length === 0) process.stdout.write(`no regression against ${baselinePath}\n`);
    }
  }
  if (failed) process.exitCode = 1;
}

await main();
