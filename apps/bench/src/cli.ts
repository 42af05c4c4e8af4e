import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchSuite } from '@toolbox/config/bench';
import { usableCores } from '@toolbox/monitor';
import { discoverSuites } from './discover.js';
import { type CaseResult, FULL_SAMPLING, measureCase, QUICK_SAMPLING } from './measure.js';
import { type BenchReport, renderConsoleTable, renderMarkdown } from './report.js';

const HELP = `Usage: pnpm bench [-- options]

Runs every benchmark suite (packages/*/bench/*.bench.ts, apps/bench/suites/*.bench.ts),
each case beside its named baseline in this process, and writes bench-results.json
and BENCHMARKS.md.

Options:
  --quick             small inputs and short sampling (under a minute; used in CI)
  --filter <pattern>  only cases whose "suite / case" name matches the pattern (regular expression)
  --out <dir>         where to write the reports (default: apps/bench)
  --help              this text
`;

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

async function main(): Promise<void> {
  // `pnpm bench -- --help` passes the `--` through; drop it.
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift();
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      filter: { type: 'string' },
      out: { type: 'string', default: resolve(import.meta.dirname, '..') },
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
  const results: CaseResult[] = [];

  for (const file of discoverSuites(repoRoot)) {
    const suite = ((await import(file)) as { default: BenchSuite }).default;
    const cases = (await suite.cases(context)).filter(
      (benchCase) => pattern === undefined || pattern.test(`${suite.name} / ${benchCase.name}`),
    );
    if (cases.length === 0) {
      await suite.teardown?.();
      continue;
    }
    process.stdout.write(`${suite.name} (${relative(repoRoot, file)})\n`);
    try {
      for (const benchCase of cases) {
        const result = await measureCase(suite.name, benchCase, sampling);
        results.push(result);
        process.stdout.write(`  ${benchCase.name}: ${result.speedup.toFixed(2)}x\n`);
      }
    } finally {
      await suite.teardown?.();
    }
  }

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
  };
  writeFileSync(join(values.out, 'bench-results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(values.out, 'BENCHMARKS.md'), renderMarkdown(report));
  process.stdout.write(
    `\n${renderConsoleTable(results)}\n\nwrote bench-results.json and BENCHMARKS.md to ${values.out}\n`,
  );
}

await main();
