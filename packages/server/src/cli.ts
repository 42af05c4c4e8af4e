#!/usr/bin/env node
import { createToolbox } from '@toolbox/core';
import { readTokens } from './auth.js';
import { parseCliArgs, USAGE } from './cli-args.js';
import { createServer } from './create-server.js';

async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const tokens = readTokens(args.tokenFile);
  const toolbox = createToolbox({ registry: { dir: args.registry } });
  const server = createServer(toolbox, {
    auth: { tokens },
    tasks: args.tasks,
    batching: args.batching ? undefined : false,
    bodyLimitBytes: args.bodyLimitBytes,
    shutdownTimeoutMs: args.shutdownTimeoutMs,
    logger: args.log,
  });
  const address = await server.listen({ port: args.port, host: args.host });
  process.stdout.write(
    `toolbox-server listening on ${address} (registry ${args.registry}, ${tokens.length} token(s), batching ${args.batching ? 'on' : 'off'})\n`,
  );
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  process.stdout.write(`toolbox-server: ${signal}, draining\n`);
  await server.close();
  await toolbox.dispose();
  const { received, answered } = server.requestCounters;
  process.stdout.write(`toolbox-server: stopped; answered ${answered} of ${received} requests\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`toolbox-server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
