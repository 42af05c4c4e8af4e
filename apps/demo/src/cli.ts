import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanState, parseDatasets, runDemo } from './run-demo.js';

const HELP = `Usage: pnpm demo [-- options]

Runs the Toolbox demo end to end: profiles the machine, plans and runs a CPU-heavy
feature-engineering map (against serial), plans it again from the advisor's history,
memoises preprocessing (cold vs warm), fits the five shipped datasets with parallel
cross-validation, registers and promotes the best model, routes batched inference
through an A/B split, prints statistics, and writes dashboard.html.

Options:
  --rows <n>          rows of the generated table for the feature map (default 50000)
  --datasets <list>   comma-separated datasets to fit (default: iris,wine,breast_cancer,digits,diabetes)
  --state-dir <dir>   registry, advisor history, cache and dashboard.html (default .toolbox)
  --serve [port]      serve the dashboard live on 127.0.0.1 while the pipeline runs (default port 8080)
  --json              print a JSON summary (plan, leaderboards, stats) instead of text
  --quiet             print nothing but errors
  --clean             remove the state directory and exit
  --help              this text
`;

// `pnpm demo -- --help` passes the `--` through; drop it.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
const serveIndex = args.indexOf('--serve');
// `--serve` takes an optional port: give parseArgs a value either way.
if (serveIndex >= 0 && !/^\d+$/.test(args[serveIndex + 1] ?? '')) args.splice(serveIndex + 1, 0, '8080');
const { values } = parseArgs({
  args,
  options: {
    rows: { type: 'string', default: '50000' },
    datasets: { type: 'string' },
    'state-dir': { type: 'string', default: '.toolbox' },
    serve: { type: 'string' },
    json: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    clean: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const stateDir = resolve(values['state-dir']);
if (values.help) {
  process.stdout.write(HELP);
} else if (values.clean) {
  cleanState(stateDir);
  process.stdout.write(`removed ${stateDir}\n`);
} else {
  const rows = Number(values.rows);
  if (!Number.isSafeInteger(rows) || rows < 100)
    throw new Error(`--rows must be an integer of at least 100, got ${values.rows}`);
  const result = await runDemo({
    rows,
    datasets: parseDatasets(values.datasets),
    stateDir,
    json: values.json,
    quiet: values.quiet,
    servePort: values.serve === undefined ? undefined : Number(values.serve),
    tty: process.stdout.isTTY === true && !process.env.NO_COLOR,
    write: (text) => process.stdout.write(text),
    writeProgress: (text) => process.stderr.write(text),
  });
  if (result.server !== undefined) {
    if (!values.json) process.stdout.write(`serving ${result.server.url} until Ctrl-C\n`);
    process.once('SIGINT', () => void result.server?.close().then(() => process.exit(0)));
    process.once('SIGTERM', () => void result.server?.close().then(() => process.exit(0)));
  }
}
