#!/usr/bin/env node
import { runWorkerCli } from './_cli-main.js';

runWorkerCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`toolbox-worker: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
