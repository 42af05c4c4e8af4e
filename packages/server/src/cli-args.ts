import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { InvalidInputError } from '@toolbox/contracts';
import type { ModuleTask } from '@toolbox/core';

export const USAGE = `Usage: toolbox-server --registry <dir> [options]

Serves predictions from the registry's models, batch jobs and registry operations over HTTP.

Options:
  --registry <dir>         the model registry directory (required)
  --port <n>               default 8080 (0: any free port)
  --host <address>         default 127.0.0.1 (loopback only)
  --token-file <file>      bearer tokens, one per line, for jobs and registry changes
                           (also TOOLBOX_SERVER_TOKENS, comma-separated)
  --task <name=module#export>
                           a task POST /v1/jobs may map over (repeatable)
  --no-batching            predict each request alone
  --body-limit-bytes <n>   largest request body (default 8 MiB)
  --shutdown-timeout-ms <n>
                           how long SIGTERM waits for in-flight work (default 10000)
  --log                    request log on stdout (Authorization redacted)
  --help                   this text

On SIGTERM or SIGINT it stops accepting, finishes in-flight requests and jobs, closes
the toolbox and exits 0.
`;

export interface CliArgs {
  registry: string;
  port: number;
  host: string;
  tokenFile: string | undefined;
  tasks: Record<string, ModuleTask>;
  batching: boolean;
  bodyLimitBytes: number | undefined;
  shutdownTimeoutMs: number | undefined;
  log: boolean;
  help: boolean;
}

function number(value: string | undefined, argument: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new InvalidInputError(`${argument} must be a whole number, got ${JSON.stringify(value)}`, {
      details: { argument },
    });
  }
  return parsed;
}

function task(spec: string): [string, ModuleTask] {
  const match = /^([^=]+)=(.+)#([A-Za-z_$][\w$]*)$/.exec(spec);
  if (!match) {
    throw new InvalidInputError(`--task must be name=module#export, got ${JSON.stringify(spec)}`, {
      details: { argument: '--task' },
    });
  }
  const [, name, module, exported] = match as unknown as [string, string, string, string];
  const url = /^[a-z]+:/.test(module)
    ? module
    : pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
  return [name, { module: url, export: exported }];
}

export function parseCliArgs(argv: string[]): CliArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      registry: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'token-file': { type: 'string' },
      task: { type: 'string', multiple: true, default: [] },
      'no-batching': { type: 'boolean', default: false },
      'body-limit-bytes': { type: 'string' },
      'shutdown-timeout-ms': { type: 'string' },
      log: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (!values.help && values.registry === undefined) {
    throw new InvalidInputError('--registry <dir> is required', { details: { argument: '--registry' } });
  }
  return {
    registry: values.registry ?? '',
    port: number(values.port, '--port') ?? 8080,
    host: values.host as string,
    tokenFile: values['token-file'],
    tasks: Object.fromEntries((values.task as string[]).map(task)),
    batching: !values['no-batching'],
    bodyLimitBytes: number(values['body-limit-bytes'], '--body-limit-bytes'),
    shutdownTimeoutMs: number(values['shutdown-timeout-ms'], '--shutdown-timeout-ms'),
    log: values.log as boolean,
    help: values.help as boolean,
  };
}
