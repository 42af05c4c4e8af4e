import { parseArgs } from 'node:util';
import { RegistryError } from '@toolbox/contracts';
import type { Registry } from './registry.js';
import { openRegistry } from './registry.js';
import type { MetricThreshold, ModelInfo, RunInfo, Stage, VersionInfo } from './types.js';

export const EXIT = { ok: 0, refused: 1, usage: 2, checkFailed: 3, internal: 70 } as const;

export const USAGE = `Usage: toolbox-registry [--dir <path>] [--json] <command> [arguments]

Commands:
  list [--prefix p] [--stage s] [--alias a] [--limit n] [--cursor c]   models
  show <model> [<version|alias|stage|latest>]                         a model, or one version
  versions <model> [--stage s]                                        versions, highest first
  search [--prefix p] [--stage s] [--alias a] [--tag k=v] [--metric "accuracy>=0.9"] [--limit n] [--cursor c]
                                                                      versions across models, newest first
  history <model> [<version>]                                         stage transitions
  promote <model> <version> [--stage production|staging] [--reason r] [--keep-previous]
  rollback <model> [--reason r]                                       restore the previous production version
  alias <model> <alias> [<version>] [--delete]                        set, show or delete an alias
  route <model> <key> --weights champion=0.9,challenger=0.1           which variant serves a key
  runs [--experiment e] [--filter expr] [--order-by "metrics.x DESC"] [--limit n] [--cursor c]
  gc [--temp-max-age-ms n]                                            remove unreferenced artifacts
  check                                                               integrity and artifact checksums
  export <model> <version> <file>                                     write a bundle
  import <file>                                                       add a bundle's version

Options:
  --dir <path>  registry directory (default: $TOOLBOX_REGISTRY_DIR or ./.toolbox-registry)
  --json        machine-readable output
Exit codes: 0 ok, 1 refused by the registry, 2 usage error, 3 check found problems.`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
}

class UsageError extends Error {}

const COMMANDS = new Set([
  'list',
  'search',
  'show',
  'versions',
  'history',
  'promote',
  'rollback',
  'alias',
  'route',
  'runs',
  'gc',
  'check',
  'export',
  'import',
]);

function need(positionals: string[], count: number, shape: string): string[] {
  if (positionals.length < count) throw new UsageError(`expected ${shape}`);
  if (positionals.length > count + 1) throw new UsageError(`too many arguments; expected ${shape}`);
  return positionals;
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`${flag} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function weights(text: string | undefined): Record<string, number> {
  if (!text) throw new UsageError('route needs --weights alias=weight,alias=weight');
  const result: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [alias, weight, extra] = part.split('=');
    if (
      !alias ||
      weight === undefined ||
      extra !== undefined ||
      weight.trim() === '' ||
      !Number.isFinite(Number(weight))
    ) {
      throw new UsageError(`--weights entry ${JSON.stringify(part)} is not alias=weight`);
    }
    result[alias.trim()] = Number(weight);
  }
  return result;
}

function tagFilter(entries: string[] | undefined): Record<string, string> | undefined {
  if (!entries) return undefined;
  const tags: Record<string, string> = {};
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals < 1) throw new UsageError(`--tag ${JSON.stringify(entry)} is not key=value`);
    tags[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return tags;
}

function metricFilter(text: string | undefined): MetricThreshold | undefined {
  if (text === undefined) return undefined;
  const match = /^\s*([^<>=\s]+)\s*(>=|<=|>|<|=)\s*(\S+)\s*$/.exec(text);
  if (!match || !Number.isFinite(Number(match[3])))
    throw new UsageError(`--metric ${JSON.stringify(text)} is not like "accuracy>=0.9"`);
  return { key: match[1] as string, op: match[2] as MetricThreshold['op'], value: Number(match[3]) };
}

function versionLine(version: VersionInfo): string {
  const aliases = version.aliases.length ? `  [${version.aliases.join(', ')}]` : '';
  return `${version.model}@${version.version}  ${version.stage.padEnd(11)}  ${version.artifact.sha256.slice(0, 12)}  ${version.artifact.sizeBytes} B${aliases}`;
}

function modelLine(model: ModelInfo): string {
  return `${model.name}  versions=${model.versionCount}  latest=${model.latestVersion ?? '-'}${
    Object.keys(model.aliases).length
      ? `  aliases=${Object.entries(model.aliases)
          .map(([alias, version]) => `${alias}->${version}`)
          .join(',')}`
      : ''
  }`;
}

function runLine(run: RunInfo): string {
  const metrics = Object.entries(run.metrics)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${run.id}  ${run.experiment}/${run.name}  ${run.status}  ${metrics}`;
}

function execute(
  registry: Registry,
  command: string,
  positionals: string[],
  values: Record<string, string | boolean | string[] | undefined>,
): { data: unknown; text: string; exitCode?: number } {
  const text = (key: string): string | undefined => values[key] as string | undefined;
  const page = { limit: integer(text('limit'), '--limit'), cursor: text('cursor') };
  switch (command) {
    case 'list': {
      need(positionals, 0, 'no arguments');
      const result = registry.searchModels({
        namePrefix: text('prefix'),
        stage: text('stage') as Stage | undefined,
        alias: text('alias'),
        page,
      });
      return {
        data: result,
        text: [
          ...result.items.map(modelLine),
          ...(result.nextCursor ? [`next: --cursor ${result.nextCursor}`] : []),
        ].join('\n'),
      };
    }
    case 'search': {
      need(positionals, 0, 'no arguments');
      const result = registry.searchVersions({
        namePrefix: text('prefix'),
        stage: text('stage') as Stage | undefined,
        alias: text('alias'),
        tags: tagFilter(values.tag as string[] | undefined),
        metric: metricFilter(text('metric')),
        page,
      });
      return {
        data: result,
        text: [
          ...result.items.map(versionLine),
          ...(result.nextCursor ? [`next: --cursor ${result.nextCursor}`] : []),
        ].join('\n'),
      };
    }
    case 'show': {
      const [model, reference] = need(positionals, 1, '<model> [<version>]');
      if (reference === undefined) {
        const info = registry.getModel(model as string);
        return { data: info, text: `${modelLine(info)}\n${info.description}`.trimEnd() };
      }
      const version = registry.resolve(model as string, reference);
      return { data: version, text: JSON.stringify(version, null, 2) };
    }
    case 'versions': {
      const [model] = need(positionals, 1, '<model>');
      const stage = text('stage');
      const versions = registry
        .listVersions(model as string)
        .filter((version) => stage === undefined || version.stage === stage);
      return { data: versions, text: versions.map(versionLine).join('\n') };
    }
    case 'history': {
      const [model, version] = need(positionals, 1, '<model> [<version>]');
      const records = registry.history(model as string, version);
      return {
        data: records,
        text: records
          .map(
            (record) =>
              `${new Date(record.at).toISOString()}  ${record.version}  ${record.from ?? '-'} -> ${record.to}  ${record.kind}  ${record.reason}`,
          )
          .join('\n'),
      };
    }
    case 'promote': {
      const [model, version] = need(positionals, 2, '<model> <version>');
      if (positionals.length > 2) throw new UsageError('too many arguments; expected <model> <version>');
      const stage = (text('stage') ?? 'production') as Stage;
      const result = registry.transition(model as string, version as string, stage, {
        reason: text('reason'),
        archivePrevious: values['keep-previous'] !== true,
      });
      return { data: result, text: versionLine(result) };
    }
    case 'rollback': {
      const [model] = need(positionals, 1, '<model>');
      const result = registry.rollback(model as string, { reason: text('reason') });
      return { data: result, text: `rolled back: ${versionLine(result)}` };
    }
    case 'alias': {
      const [model, alias, version] = need(positionals, 2, '<model> <alias> [<version>]');
      if (values.delete === true) {
        const deleted = registry.deleteAlias(model as string, alias as string);
        return { data: { deleted }, text: deleted ? `deleted alias ${alias}` : `no alias ${alias}` };
      }
      const result =
        version === undefined
          ? registry.resolve(model as string, alias as string)
          : registry.setAlias(model as string, alias as string, version);
      return { data: result, text: `${alias} -> ${result.version}` };
    }
    case 'route': {
      const [model, key] = need(positionals, 2, '<model> <key>');
      if (positionals.length > 2) throw new UsageError('too many arguments; expected <model> <key>');
      const result = registry.route(model as string, key as string, { aliases: weights(text('weights')) });
      return { data: result, text: `${result.variant} -> ${result.version}` };
    }
    case 'runs': {
      need(positionals, 0, 'no arguments');
      const experiments = values.experiment as string[] | undefined;
      const result = registry.searchRuns({
        experiments,
        filter: text('filter'),
        orderBy: values['order-by'] as string[] | undefined,
        page,
      });
      return {
        data: result,
        text: [
          ...result.items.map(runLine),
          ...(result.nextCursor ? [`next: --cursor ${result.nextCursor}`] : []),
        ].join('\n'),
      };
    }
    case 'gc': {
      need(positionals, 0, 'no arguments');
      const result = registry.gc({ tempMaxAgeMs: integer(text('temp-max-age-ms'), '--temp-max-age-ms') });
      return {
        data: result,
        text: `removed ${result.removedArtifacts} artifacts, ${result.removedBytes} bytes`,
      };
    }
    case 'check': {
      need(positionals, 0, 'no arguments');
      const result = registry.check();
      const ok = result.integrityOk && result.badArtifacts.length === 0;
      const lines = [
        `database: ${result.integrityMessages.join('; ')}`,
        `artifacts: ${result.checkedArtifacts} checked, ${result.badArtifacts.length} bad`,
        ...result.badArtifacts.map((bad) => `  ${bad.problem}: ${bad.owner} ${bad.sha256}`),
      ];
      return { data: result, text: lines.join('\n'), exitCode: ok ? EXIT.ok : EXIT.checkFailed };
    }
    case 'export': {
      const [model, version, file] = need(positionals, 3, '<model> <version> <file>');
      if (positionals.length > 3)
        throw new UsageError('too many arguments; expected <model> <version> <file>');
      const result = registry.exportModel(model as string, version as string, file as string);
      return {
        data: result,
        text: `wrote ${result.file} (${result.sizeBytes} bytes, sha256 ${result.sha256})`,
      };
    }
    case 'import': {
      const [file] = need(positionals, 1, '<file>');
      const result = registry.importModel(file as string);
      return { data: result, text: `imported ${result.model}@${result.version}` };
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

/** Runs one CLI invocation; returns the exit code. */
export function runCli(argv: string[], io: CliIo): number {
  let json = argv.includes('--json');
  let registry: Registry | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        dir: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        prefix: { type: 'string' },
        stage: { type: 'string' },
        alias: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        reason: { type: 'string' },
        'keep-previous': { type: 'boolean' },
        delete: { type: 'boolean' },
        weights: { type: 'string' },
        experiment: { type: 'string', multiple: true },
        filter: { type: 'string' },
        'order-by': { type: 'string', multiple: true },
        'temp-max-age-ms': { type: 'string' },
        tag: { type: 'string', multiple: true },
        metric: { type: 'string' },
      },
    });
    json = values.json === true;
    const [command, ...rest] = positionals;
    if (values.help || command === 'help') {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (command === undefined) throw new UsageError('missing command');
    if (!COMMANDS.has(command))
      throw new UsageError(`unknown command ${JSON.stringify(command.slice(0, 64))}`);
    registry = openRegistry({ dir: values.dir ?? io.env.TOOLBOX_REGISTRY_DIR ?? '.toolbox-registry' });
    const result = execute(registry, command, rest, values);
    io.stdout(json ? `${JSON.stringify(result.data, null, 2)}\n` : result.text ? `${result.text}\n` : '');
    return result.exitCode ?? EXIT.ok;
  } catch (error) {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const refused = error instanceof RegistryError;
    const code = usage ? EXIT.usage : refused ? EXIT.refused : EXIT.internal;
    const message = (error as Error).message;
    if (json) {
      const body = refused
        ? (error as RegistryError).toJSON()
        : { name: usage ? 'UsageError' : 'Error', code: usage ? 'USAGE' : 'INTERNAL', message };
      io.stderr(`${JSON.stringify({ error: body })}\n`);
    } else {
      io.stderr(`toolbox-registry: ${message}\n${usage ? 'Run toolbox-registry --help for usage.\n' : ''}`);
    }
    return code;
  } finally {
    registry?.close();
  }
}
