import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempRegistries } from '../test/helpers.js';
import { EXIT, runCli } from './_cli-main.js';
import { openRegistry } from './registry.js';

const registries = useTempRegistries();

function cli(dir: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runCli(['--dir', dir, ...args], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
  });
  return { code, stdout, stderr };
}

function seeded(): string {
  const dir = registries.tempDir();
  const registry = openRegistry({ dir });
  registry.registerModel('iris', { description: 'flowers' });
  for (let index = 0; index < 3; index++)
    registry.createVersion('iris', {
      artifact: new Uint8Array([index]),
      metrics: { accuracy: 0.9 + index / 100 },
    });
  registry.transition('iris', '1.0.0', 'staging');
  registry.transition('iris', '1.0.1', 'staging');
  registry.createExperiment('exp');
  const run = registry.startRun('exp', { params: { lr: 0.1 } });
  registry.logMetric(run.id, 'accuracy', 0.95);
  registry.close();
  return dir;
}

describe('toolbox-registry CLI', () => {
  it('lists, shows, promotes, rolls back, aliases, routes and searches runs', () => {
    const dir = seeded();
    expect(cli(dir, 'list')).toMatchObject({ code: EXIT.ok, stdout: 'iris  versions=3  latest=1.0.2\n' });
    expect(cli(dir, 'show', 'iris').stdout).toContain('flowers');
    expect(JSON.parse(cli(dir, '--json', 'show', 'iris', '1.0.1').stdout)).toMatchObject({
      version: '1.0.1',
      stage: 'staging',
    });
    expect(cli(dir, 'versions', 'iris').stdout.split('\n').filter(Boolean)).toHaveLength(3);
    const found = JSON.parse(
      cli(dir, '--json', 'search', '--prefix', 'ir', '--metric', 'accuracy>=0.91', '--stage', 'staging')
        .stdout,
    );
    expect(found.items.map((version: { version: string }) => version.version)).toEqual(['1.0.1']);
    expect(cli(dir, 'search', '--metric', 'accuracy>>1').code).toBe(EXIT.usage);
    expect(cli(dir, 'search', '--tag', 'novalue').code).toBe(EXIT.usage);
    expect(cli(dir, 'promote', 'iris', '1.0.0', '--reason', 'qa ok')).toMatchObject({ code: EXIT.ok });
    expect(cli(dir, 'promote', 'iris', '1.0.1').stdout).toContain('production');
    expect(cli(dir, 'rollback', 'iris')).toMatchObject({
      code: EXIT.ok,
      stdout: expect.stringContaining('rolled back: iris@1.0.0'),
    });
    expect(cli(dir, 'history', 'iris').stdout).toContain('qa ok');
    expect(cli(dir, 'alias', 'iris', 'champion', '1.0.0').stdout).toBe('champion -> 1.0.0\n');
    expect(cli(dir, 'alias', 'iris', 'challenger', '1.0.2').code).toBe(EXIT.ok);
    expect(cli(dir, 'alias', 'iris', 'champion').stdout).toBe('champion -> 1.0.0\n');
    const routed = JSON.parse(
      cli(dir, '--json', 'route', 'iris', 'user-1', '--weights', 'champion=0.5,challenger=0.5').stdout,
    );
    expect(['champion', 'challenger']).toContain(routed.variant);
    expect(cli(dir, 'route', 'iris', 'user-1', '--weights', 'champion=0.5,challenger=0.5').stdout).toBe(
      `${routed.variant} -> ${routed.version}\n`,
    );
    const runs = JSON.parse(
      cli(dir, '--json', 'runs', '--filter', 'metrics.accuracy > 0.9', '--order-by', 'metrics.accuracy DESC')
        .stdout,
    );
    expect(runs.items).toHaveLength(1);
    expect(cli(dir, 'alias', 'iris', 'champion', '--delete').stdout).toBe('deleted alias champion\n');
    expect(cli(dir, 'check')).toMatchObject({
      code: EXIT.ok,
      stdout: expect.stringContaining('database: ok'),
    });
  });

  it('exports, imports and collects garbage', () => {
    const dir = seeded();
    const other = registries.tempDir();
    const file = join(registries.tempDir(), 'iris.tar');
    expect(cli(dir, 'export', 'iris', '1.0.2', file).code).toBe(EXIT.ok);
    expect(existsSync(file)).toBe(true);
    expect(cli(other, 'import', file).stdout).toBe('imported iris@1.0.2\n');
    expect(JSON.parse(cli(dir, '--json', 'gc').stdout)).toEqual({ removedArtifacts: 0, removedBytes: 0 });
  });

  it('exits 2 on usage errors and 1 on refusals, with clear messages', () => {
    const dir = seeded();
    expect(cli(dir)).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('missing command') });
    expect(cli(dir, 'frobnicate')).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
    expect(cli(dir, 'list', '--bogus').code).toBe(EXIT.usage);
    expect(cli(dir, 'show').code).toBe(EXIT.usage);
    expect(cli(dir, 'route', 'iris', 'k', '--weights', 'champion').code).toBe(EXIT.usage);
    expect(cli(dir, 'list', '--limit', 'ten').code).toBe(EXIT.usage);
    expect(cli(dir, 'rollback', 'iris')).toMatchObject({
      code: EXIT.refused,
      stderr: expect.stringContaining('no previous production version'),
    });
    expect(cli(dir, 'promote', 'iris', '1.0.2')).toMatchObject({
      code: EXIT.refused,
      stderr: expect.stringContaining('cannot move iris@1.0.2 from development'),
    });
    const refusal = cli(dir, '--json', 'show', 'nope');
    expect(refusal.code).toBe(EXIT.refused);
    expect(JSON.parse(refusal.stderr)).toMatchObject({
      error: { code: 'REGISTRY_ERROR', message: 'model "nope" does not exist' },
    });
    expect(cli(dir, '--help')).toMatchObject({
      code: EXIT.ok,
      stdout: expect.stringContaining('Usage: toolbox-registry'),
    });
  });

  it('rejects malicious names and filters', () => {
    const dir = seeded();
    for (const name of ['../x', '/etc/passwd', 'a/b', 'x'.repeat(10_240)]) {
      for (const args of [
        ['show', name],
        ['versions', name],
        ['alias', 'iris', name, '1.0.0'],
        ['show', 'iris', name],
        ['export', name, '1.0.0', join(dir, 'out.tar')],
      ]) {
        const result = cli(dir, ...args);
        expect(result.code, args.join(' ').slice(0, 80)).toBe(EXIT.refused);
        expect(result.stderr).toMatch(/must start with a letter or digit/);
      }
    }
    expect(cli(dir, 'runs', '--filter', 'tags.team = "x" OR 1=1')).toMatchObject({
      code: EXIT.refused,
      stderr: expect.stringContaining('options.filter'),
    });
    expect(cli(dir, 'runs', '--filter', 'metrics.accuracy > 0; DROP TABLE runs').code).toBe(EXIT.refused);
    expect(cli(dir, 'list').stdout).toContain('iris');
  });

  it('check exits 3 when an artifact is corrupt', () => {
    const dir = seeded();
    const registry = openRegistry({ dir });
    const { sha256 } = registry.getVersion('iris', '1.0.0').artifact;
    registry.close();
    writeFileSync(join(dir, 'artifacts', 'objects', sha256.slice(0, 2), sha256.slice(2)), 'tampered');
    expect(cli(dir, 'check')).toMatchObject({
      code: EXIT.checkFailed,
      stdout: expect.stringContaining(`corrupt: iris@1.0.0 ${sha256}`),
    });
  });

  it('runs as the built bin with real exit codes (NUL bytes cannot reach argv; NUL names are covered by the API tests)', () => {
    const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    expect(existsSync(bin), 'build the package first').toBe(true);
    const dir = seeded();
    const list = spawnSync(process.execPath, [bin, '--dir', dir, '--json', 'list'], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout).items[0].name).toBe('iris');
    const bad = spawnSync(process.execPath, [bin, '--dir', dir, 'show', '../../etc/passwd'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      'toolbox-registry: name "../../etc/passwd" must start with a letter or digit',
    );
    expect(spawnSync(process.execPath, [bin, '--dir', dir, 'nope'], { encoding: 'utf8' }).status).toBe(2);
  });
});
