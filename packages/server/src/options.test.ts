import { InvalidInputError } from '@toolbox/contracts';
import { createToolbox } from '@toolbox/core';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.js';
import { createServer } from './create-server.js';
import { resolveOptions } from './options.js';

describe('resolveOptions', () => {
  it('fills in the documented defaults', () => {
    const resolved = resolveOptions({});
    expect(resolved).toMatchObject({
      bodyLimitBytes: 8 * 1024 * 1024,
      maxRowsPerRequest: 10_000,
      batching: { maxBatchSize: 64, maxWaitMs: 2 },
      maxLoadedModels: 16,
      maxConcurrentJobs: 2,
      shutdownTimeoutMs: 10_000,
      routingKeyHeader: 'x-routing-key',
    });
    expect(resolveOptions({ batching: false }).batching).toBeUndefined();
  });

  it('refuses bad options, naming them', () => {
    expect(() => resolveOptions({ bodyLimitBytes: 0 })).toThrow(
      /options.bodyLimitBytes must be an integer >= 1, got 0/,
    );
    expect(() => resolveOptions({ batching: { maxBatchSize: 1.5 } })).toThrow(
      /options.batching.maxBatchSize/,
    );
    expect(() => resolveOptions({ routingKeyHeader: 'X Key' })).toThrow(/options.routingKeyHeader/);
    expect(() => resolveOptions({ tasks: { '../x': { module: 'm.js', export: 'f' } } })).toThrow(
      /options.tasks.\.\.\/x/,
    );
    expect(() => resolveOptions({ tasks: { ok: { module: 'm.js' } as never } })).toThrow(InvalidInputError);
  });

  it('createServer needs a toolbox with a registry', async () => {
    const toolbox = createToolbox({ autoStart: false, advisor: false, cache: false });
    expect(() => createServer(toolbox)).toThrow(/toolbox must have a registry/);
    await toolbox.dispose();
  });
});

describe('parseCliArgs', () => {
  it('parses the flags, with loopback and batching by default', () => {
    const args = parseCliArgs(['--registry', 'reg', '--port', '0', '--task', 'double=/abs/tasks.mjs#double']);
    expect(args).toMatchObject({ registry: 'reg', port: 0, host: '127.0.0.1', batching: true, log: false });
    expect(args.tasks.double).toEqual({ module: 'file:///abs/tasks.mjs', export: 'double' });
    expect(parseCliArgs(['--registry', 'r', '--no-batching']).batching).toBe(false);
  });

  it('refuses what it cannot use', () => {
    expect(() => parseCliArgs([])).toThrow(/--registry <dir> is required/);
    expect(() => parseCliArgs(['--registry', 'r', '--port', 'http'])).toThrow(
      /--port must be a whole number/,
    );
    expect(() => parseCliArgs(['--registry', 'r', '--task', 'nohash'])).toThrow(
      /--task must be name=module#export/,
    );
    expect(() => parseCliArgs(['--registry', 'r', '--bogus'])).toThrow(/bogus/);
  });
});
