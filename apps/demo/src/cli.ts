import { parseArgs } from 'node:util';
import { runDemo } from './run-demo.js';

const HELP = `Usage: pnpm demo [-- options]

Runs the Toolbox demo: profiles this machine and (as packages land) runs a real
pipeline end to end.

Options:
  --json   print machine-readable JSON
  --help   this text
`;

// `pnpm demo -- --help` passes the `--` through; drop it.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
const { values } = parseArgs({
  args,
  options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
if (values.help) process.stdout.write(HELP);
else await runDemo({ json: values.json, write: (text) => process.stdout.write(text) });
