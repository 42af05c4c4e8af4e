import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryError } from '@toolbox/contracts';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempRegistries } from '../test/helpers.js';
import { sha256Hex } from './_artifact-store.js';
import { readTar, writeTar } from './_tar.js';
import { openRegistry } from './registry.js';

const registries = useTempRegistries();
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('openRegistry', () => {
  it('configures WAL, busy_timeout, foreign keys and records the schema version', () => {
    const dir = registries.tempDir();
    openRegistry({ dir, busyTimeoutMs: 1234 }).close();
    const db = new Database(join(dir, 'registry.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: 1 });
    db.close();
    const registry = registries.open({ dir, busyTimeoutMs: 1234 });
    expect(registry.check().integrityOk).toBe(true);
  });

  it('re-opening runs no migration twice and keeps data', () => {
    const dir = registries.tempDir();
    const first = openRegistry({ dir });
    first.createVersion('m', { artifact: bytes(1) });
    first.close();
    const second = registries.open({ dir });
    expect(second.listVersions('m').map((version) => version.version)).toEqual(['1.0.0']);
  });

  it('refuses a database from a newer schema', () => {
    const dir = registries.tempDir();
    openRegistry({ dir }).close();
    const db = new Database(join(dir, 'registry.db'));
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    expect(() => openRegistry({ dir })).toThrow(/schema version 99 is newer/);
  });

  it('validates options and fails clearly after close', () => {
    expect(() => openRegistry({ dir: '' })).toThrow(RegistryError);
    expect(() => openRegistry({ dir: registries.tempDir(), busyTimeoutMs: 0 })).toThrow(
      /options.busyTimeoutMs/,
    );
    const registry = openRegistry({ dir: registries.tempDir() });
    registry[Symbol.dispose]();
    registry.close();
    expect(() => registry.listVersions('m')).toThrow(/is closed/);
  });
});

describe('models and versions', () => {
  it('registers models with description and tags and refuses duplicates', () => {
    const registry = registries.open();
    const model = registry.registerModel('iris', { description: 'flowers', tags: { team: 'ml' } });
    expect(model).toMatchObject({
      name: 'iris',
      description: 'flowers',
      tags: { team: 'ml' },
      versionCount: 0,
      latestVersion: undefined,
    });
    expect(() => registry.registerModel('iris')).toThrow(/already exists/);
    expect(() => registry.getModel('nope')).toThrow(/does not exist/);
  });

  it('tells missing things from conflicts in details.reason (a server maps them to 404 and 409)', () => {
    const registry = registries.open();
    registry.createVersion('m', { artifact: bytes(1) });
    const reasonOf = (call: () => unknown): unknown => {
      try {
        call();
      } catch (error) {
        expect(error).toBeInstanceOf(RegistryError);
        return (error as RegistryError).details.reason;
      }
      throw new Error('expected a RegistryError');
    };
    expect(reasonOf(() => registry.getModel('nope'))).toBe('not_found');
    expect(reasonOf(() => registry.resolve('m', '9.9.9'))).toBe('not_found');
    expect(reasonOf(() => registry.resolve('m', 'champion'))).toBe('not_found');
    expect(reasonOf(() => registry.registerModel('m'))).toBe('conflict');
    expect(reasonOf(() => registry.createVersion('m', { artifact: bytes(2), version: '1.0.0' }))).toBe(
      'conflict',
    );
    expect(reasonOf(() => registry.transition('m', '1.0.0', 'production'))).toBe('conflict');
    expect(reasonOf(() => registry.rollback('m'))).toBe('conflict');
    expect(reasonOf(() => registry.getModel('../etc'))).toBeUndefined();
  });

  it('numbers versions by next patch, bump and explicit semver', () => {
    const registry = registries.open();
    expect(registry.createVersion('m', { artifact: bytes(1) }).version).toBe('1.0.0');
    expect(registry.createVersion('m', { artifact: bytes(2) }).version).toBe('1.0.1');
    expect(registry.createVersion('m', { artifact: bytes(3), bump: 'minor' }).version).toBe('1.1.0');
    expect(registry.createVersion('m', { artifact: bytes(4), bump: 'major' }).version).toBe('2.0.0');
    expect(registry.createVersion('m', { artifact: bytes(5), version: '2.1.0-rc.1' }).version).toBe(
      '2.1.0-rc.1',
    );
    expect(registry.createVersion('m', { artifact: bytes(6) }).version).toBe('2.1.0');
    expect(registry.createVersion('m', { artifact: bytes(7), version: '0.9.0' }).version).toBe('0.9.0');
    expect(registry.listVersions('m').map((version) => version.version)).toEqual([
      '2.1.0',
      '2.1.0-rc.1',
      '2.0.0',
      '1.1.0',
      '1.0.1',
      '1.0.0',
      '0.9.0',
    ]);
    expect(() => registry.createVersion('m', { artifact: bytes(8), version: '1.0.0' })).toThrow(
      /already has version 1.0.0/,
    );
    for (const bad of ['v1.0.0', '1.0', '1.0.0+build', 'x'.repeat(200), '01.0.0']) {
      expect(() => registry.createVersion('m', { artifact: bytes(9), version: bad })).toThrow(RegistryError);
    }
    expect(() => registry.createVersion('m', { artifact: bytes(9), bump: 'huge' as 'major' })).toThrow(
      /options.bump/,
    );
    expect(() => registry.createVersion('other', { artifact: bytes(1), createModel: false })).toThrow(
      /does not exist/,
    );
  });

  it('stores bytes, JSON and files, and verifies checksums on read', () => {
    const registry = registries.open();
    const file = join(registries.tempDir(), 'model.bin');
    writeFileSync(file, bytes(7, 8, 9));
    registry.createVersion('m', { artifact: bytes(1, 2, 3) });
    const json = registry.createVersion('m', { artifact: { weights: [0.5, 1.5] } });
    const fromFile = registry.createVersion('m', {
      artifact: file,
      metrics: { accuracy: 0.93 },
      params: { depth: 3, fast: true },
      tags: { team: 'a' },
    });
    expect([...registry.loadArtifact('m', '1.0.0')]).toEqual([1, 2, 3]);
    expect(registry.loadJson('m', '1.0.1')).toEqual({ weights: [0.5, 1.5] });
    expect(json.artifact.mediaType).toBe('application/json');
    expect([...registry.loadArtifact('m', '1.0.2')]).toEqual([7, 8, 9]);
    expect(fromFile).toMatchObject({
      metrics: { accuracy: 0.93 },
      params: { depth: '3', fast: 'true' },
      tags: { team: 'a' },
      stage: 'development',
    });
    expect(() => registry.loadJson('m', '1.0.0')).toThrow(/binary data/);
    const exact = [0.1 + 0.2, 1 / 3, 5e-324, -1.7976931348623157e308];
    const precise = registry.createVersion('m', {
      artifact: bytes(0),
      metrics: { a: exact[0], b: exact[1], c: exact[2], d: exact[3] } as Record<string, number>,
    });
    expect(Object.values(registry.getVersion('m', precise.version).metrics)).toEqual(exact);

    const { sha256 } = fromFile.artifact;
    const path = join(registry.dir, 'artifacts', 'objects', sha256.slice(0, 2), sha256.slice(2));
    writeFileSync(path, bytes(6, 6, 6));
    expect(() => registry.loadArtifact('m', '1.0.2')).toThrow(/corrupt/);
    rmSync(path);
    expect(() => registry.loadArtifact('m', '1.0.2')).toThrow(/missing/);
    expect(registry.check().badArtifacts).toEqual([{ owner: 'm@1.0.2', sha256, problem: 'missing' }]);
  });

  it('rejects bad artifacts and oversize values', () => {
    const registry = registries.open({ maxArtifactBytes: 16 });
    expect(() => registry.createVersion('m', { artifact: new Uint8Array(17) })).toThrow(
      /over maxArtifactBytes/,
    );
    expect(() => registry.createVersion('m', { artifact: '/definitely/not/here' })).toThrow(/cannot be read/);
    expect(() => registry.createVersion('m', { artifact: registry.dir })).toThrow(/not a regular file/);
    expect(() => registry.createVersion('m', { artifact: () => 1 })).toThrow(/JSON value/);
    expect(() => registry.createVersion('m', {} as never)).toThrow(/options.artifact is required/);
    expect(() => registry.createVersion('m', { artifact: bytes(1), tags: { a: 'x'.repeat(9000) } })).toThrow(
      /at most 8000 characters/,
    );
    expect(() => registry.createVersion('m', { artifact: bytes(1), metrics: { a: Number.NaN } })).toThrow(
      /finite number/,
    );
    expect(() => registry.createVersion('m', { artifact: bytes(1), description: 'a\0b' })).toThrow(/NUL/);
    // Nothing half-written is left behind.
    expect(registry.searchModels().items).toEqual([]);
  });

  it('deletes versions except production and alias targets; sets and removes tags', () => {
    const registry = registries.open();
    registry.createVersion('m', { artifact: bytes(1) });
    registry.createVersion('m', { artifact: bytes(2) });
    registry.createVersion('m', { artifact: bytes(3) });
    registry.transition('m', '1.0.0', 'staging');
    registry.promote('m', '1.0.0');
    expect(() => registry.deleteVersion('m', '1.0.0')).toThrow(/in production/);
    registry.setAlias('m', 'challenger', '1.0.1');
    expect(() => registry.deleteVersion('m', '1.0.1')).toThrow(/alias "challenger"/);
    registry.deleteVersion('m', '1.0.2');
    expect(() => registry.getVersion('m', '1.0.2')).toThrow(/has no version/);
    registry.setTag('m', 'owner', 'ana');
    registry.setTag('m', 'quality', 'gold', '1.0.1');
    expect(registry.getModel('m').tags).toEqual({ owner: 'ana' });
    expect(registry.getVersion('m', '1.0.1').tags).toEqual({ quality: 'gold' });
    registry.setTag('m', 'owner', undefined);
    expect(registry.getModel('m').tags).toEqual({});
  });
});

describe('lifecycle', () => {
  function setup() {
    const registry = registries.open();
    for (let index = 0; index < 3; index++) registry.createVersion('m', { artifact: bytes(index) });
    return registry;
  }

  it('validates transitions and names the allowed moves', () => {
    const registry = setup();
    expect(() => registry.transition('m', '1.0.0', 'production')).toThrow(
      /cannot move m@1.0.0 from development to production; allowed from development: staging, archived/,
    );
    expect(() => registry.transition('m', '1.0.0', 'development')).toThrow(RegistryError);
    expect(() => registry.transition('m', '1.0.0', 'live' as 'production')).toThrow(/stage must be one of/);
    registry.transition('m', '1.0.0', 'staging', { reason: 'passed tests' });
    registry.promote('m', '1.0.0');
    expect(() => registry.transition('m', '1.0.0', 'staging')).toThrow(/allowed from production: archived/);
    registry.transition('m', '1.0.0', 'archived');
    expect(registry.transition('m', '1.0.0', 'staging').stage).toBe('staging');
  });

  it('archives the previous production version on promotion unless told to keep it', () => {
    const registry = setup();
    for (const version of ['1.0.0', '1.0.1', '1.0.2']) registry.transition('m', version, 'staging');
    registry.promote('m', '1.0.0');
    registry.promote('m', '1.0.1');
    expect(registry.getVersion('m', '1.0.0').stage).toBe('archived');
    registry.promote('m', '1.0.2', { archivePrevious: false });
    expect(registry.getVersion('m', '1.0.1').stage).toBe('production');
    expect(registry.resolve('m', 'production').version).toBe('1.0.2');
  });

  it('rolls back one promotion at a time and refuses with no previous version', () => {
    const registry = setup();
    expect(() => registry.rollback('m')).toThrow(/no previous production version/);
    for (const version of ['1.0.0', '1.0.1', '1.0.2']) registry.transition('m', version, 'staging');
    registry.promote('m', '1.0.0');
    expect(() => registry.rollback('m')).toThrow(/no previous production version/);
    registry.promote('m', '1.0.1');
    registry.promote('m', '1.0.2');
    expect(registry.rollback('m', { reason: 'latency regression' }).version).toBe('1.0.1');
    expect(registry.getVersion('m', '1.0.2').stage).toBe('archived');
    expect(registry.rollback('m').version).toBe('1.0.0');
    expect(registry.getVersion('m', '1.0.1').stage).toBe('archived');
    expect(registry.searchVersions({ stage: 'production' }).items.map((version) => version.version)).toEqual([
      '1.0.0',
    ]);
    expect(() => registry.rollback('m')).toThrow(/no previous production version/);
  });

  it('keeps the full transition history with kinds, reasons and timestamps', () => {
    const before = Date.now();
    const registry = setup();
    registry.transition('m', '1.0.0', 'staging', { reason: 'qa' });
    registry.promote('m', '1.0.0', { reason: 'go' });
    registry.transition('m', '1.0.1', 'staging');
    registry.promote('m', '1.0.1');
    registry.rollback('m', { reason: 'bad' });
    const records = registry.history('m');
    expect(
      records.map((record) => [record.version, record.from, record.to, record.kind, record.reason]),
    ).toEqual([
      ['1.0.0', undefined, 'development', 'create', ''],
      ['1.0.1', undefined, 'development', 'create', ''],
      ['1.0.2', undefined, 'development', 'create', ''],
      ['1.0.0', 'development', 'staging', 'transition', 'qa'],
      ['1.0.0', 'staging', 'production', 'transition', 'go'],
      ['1.0.1', 'development', 'staging', 'transition', ''],
      ['1.0.0', 'production', 'archived', 'archive-previous', 'replaced by 1.0.1'],
      ['1.0.1', 'staging', 'production', 'transition', ''],
      ['1.0.1', 'production', 'archived', 'archive-previous', 'rolled back to 1.0.0'],
      ['1.0.0', 'archived', 'production', 'rollback', 'bad'],
    ]);
    expect(records.every((record) => record.at >= before && record.at <= Date.now())).toBe(true);
    expect(registry.history('m', '1.0.2')).toHaveLength(1);
  });

  it('sets, moves, resolves and deletes aliases', () => {
    const registry = setup();
    registry.setAlias('m', 'champion', '1.0.0');
    expect(registry.resolve('m', 'champion').version).toBe('1.0.0');
    registry.setAlias('m', 'champion', '1.0.2');
    expect(registry.resolve('m', 'champion')).toMatchObject({ version: '1.0.2', aliases: ['champion'] });
    expect(registry.getVersion('m', '1.0.0').aliases).toEqual([]);
    expect(registry.getModel('m').aliases).toEqual({ champion: '1.0.2' });
    expect(registry.resolve('m', 'latest').version).toBe('1.0.2');
    expect(registry.resolve('m', '1.0.1').version).toBe('1.0.1');
    expect(registry.resolve('m', 'development').version).toBe('1.0.2');
    for (const reserved of ['production', 'latest', '1.0.0'])
      expect(() => registry.setAlias('m', reserved, '1.0.0')).toThrow(/reserved/);
    expect(() => registry.setAlias('m', 'x', '9.9.9')).toThrow(/has no version/);
    expect(registry.deleteAlias('m', 'champion')).toBe(true);
    expect(registry.deleteAlias('m', 'champion')).toBe(false);
    expect(() => registry.resolve('m', 'champion')).toThrow(/has no version "champion"/);
  });
});

describe('A/B routing', () => {
  it('routes deterministically across registries, counts variants and compares outcomes', () => {
    const registry = registries.open();
    registry.createVersion('m', { artifact: bytes(1) });
    registry.createVersion('m', { artifact: bytes(2) });
    registry.setAlias('m', 'champion', '1.0.0');
    registry.setAlias('m', 'challenger', '1.0.1');
    const aliases = { champion: 0.9, challenger: 0.1 };
    const first = registry.route('m', 'user-42', { aliases });
    for (let index = 0; index < 5; index++)
      expect(registry.route('m', 'user-42', { aliases })).toEqual(first);
    expect(first.version).toBe(first.variant === 'champion' ? '1.0.0' : '1.0.1');

    const counts = { champion: 0, challenger: 0 };
    const n = 100_000;
    for (let index = 0; index < n; index++)
      counts[registry.route('m', `key-${index}`, { aliases }).variant as keyof typeof counts]++;
    expect(Math.abs(counts.champion / n - 0.9)).toBeLessThan(0.02);
    expect(Math.abs(counts.challenger / n - 0.1)).toBeLessThan(0.02);

    registry.recordOutcome('m', 'champion', 1);
    registry.recordOutcome('m', 'champion', 0);
    registry.recordOutcome('m', 'challenger', 1, { metric: 'conversion' });
    const stats = registry.abStats('m');
    expect(stats).toEqual([
      {
        variant: 'challenger',
        routed: counts.challenger,
        outcomes: { conversion: { count: 1, mean: 1, std: 0 } },
      },
      {
        variant: 'champion',
        routed: counts.champion + 6,
        outcomes: { outcome: { count: 2, mean: 0.5, std: Math.SQRT1_2 } },
      },
    ]);

    // Another process (another registry on the same directory) routes the same key the same way.
    const other = registries.open({ dir: registry.dir });
    expect(other.route('m', 'user-42', { aliases })).toEqual(first);
  });

  it('persists pending counters on close and refuses unknown aliases', () => {
    const dir = registries.tempDir();
    const registry = openRegistry({ dir, routeCounterFlushEvery: 3 });
    registry.createVersion('m', { artifact: bytes(1) });
    registry.setAlias('m', 'champion', '1.0.0');
    for (let index = 0; index < 4; index++) registry.route('m', index, { aliases: { champion: 1 } });
    registry.route('m', 'a', { aliases: { champion: 1 } });
    expect(() => registry.route('m', 'a', { aliases: { ghost: 1 } })).toThrow(/no alias "ghost"/);
    expect(() => registry.route('m', 'a', { aliases: {} })).toThrow(/at least one variant/);
    registry.close();
    expect(registries.open({ dir }).abStats('m')).toEqual([{ variant: 'champion', routed: 5, outcomes: {} }]);
  });
});

describe('lineage', () => {
  it('returns the parent chain, run, dataset hash and code version', () => {
    const registry = registries.open();
    registry.createExperiment('exp');
    const run = registry.startRun('exp', { params: { lr: 0.1 } });
    registry.createVersion('base', { artifact: bytes(1), datasetHash: 'sha256:abc' });
    registry.createVersion('tuned', {
      artifact: bytes(2),
      parentVersion: { name: 'base', version: '1.0.0' },
    });
    const child = registry.createVersion('tuned', {
      artifact: bytes(3),
      parentVersion: '1.0.0',
      runId: run.id,
      datasetHash: 'sha256:def',
      codeVersion: 'git:1234abc',
      source: 'train.py',
    });
    expect(child.parent).toEqual({ name: 'tuned', version: '1.0.0' });
    const lineage = registry.lineage('tuned', '1.0.1');
    expect(lineage).toMatchObject({
      parents: [
        { name: 'tuned', version: '1.0.0' },
        { name: 'base', version: '1.0.0' },
      ],
      runId: run.id,
      datasetHash: 'sha256:def',
      codeVersion: 'git:1234abc',
      source: 'train.py',
    });
    expect(lineage.run?.params).toEqual({ lr: '0.1' });
    expect(() => registry.createVersion('tuned', { artifact: bytes(4), parentVersion: '5.0.0' })).toThrow(
      /parentVersion tuned@5.0.0 does not exist/,
    );
    expect(() => registry.createVersion('tuned', { artifact: bytes(4), runId: 'f'.repeat(32) })).toThrow(
      /is not a run/,
    );
  });
});

describe('search', () => {
  it('finds models and versions by prefix, tag, stage, alias and metric, with cursor paging', () => {
    const registry = registries.open();
    for (const name of ['churn-a', 'churn-b', 'churn-c', 'iris']) {
      registry.registerModel(name, { tags: { team: name.startsWith('churn') ? 'growth' : 'science' } });
      for (let index = 0; index < 3; index++)
        registry.createVersion(name, {
          artifact: bytes(index),
          metrics: { accuracy: 0.8 + index * 0.05 },
          tags: { fold: String(index) },
        });
    }
    registry.transition('churn-b', '1.0.2', 'staging');
    registry.setAlias('iris', 'champion', '1.0.1');

    expect(registry.searchModels({ namePrefix: 'churn' }).items.map((model) => model.name)).toEqual([
      'churn-a',
      'churn-b',
      'churn-c',
    ]);
    expect(registry.searchModels({ tags: { team: 'science' } }).items.map((model) => model.name)).toEqual([
      'iris',
    ]);
    expect(registry.searchModels({ stage: 'staging' }).items.map((model) => model.name)).toEqual(['churn-b']);
    expect(registry.searchModels({ alias: 'champion' }).items.map((model) => model.name)).toEqual(['iris']);
    expect(registry.searchModels({ metric: { key: 'accuracy', op: '>', value: 0.95 } }).items).toEqual([]);

    const page1 = registry.searchModels({ page: { limit: 3 } });
    expect(page1.items.map((model) => model.name)).toEqual(['churn-a', 'churn-b', 'churn-c']);
    const page2 = registry.searchModels({ page: { limit: 3, cursor: page1.nextCursor } });
    expect(page2.items.map((model) => model.name)).toEqual(['iris']);
    expect(page2.nextCursor).toBeUndefined();

    expect(
      registry
        .searchVersions({ metric: { key: 'accuracy', op: '>=', value: 0.89 }, namePrefix: 'churn' })
        .items.map((v) => `${v.model}@${v.version}`),
    ).toEqual(['churn-c@1.0.2', 'churn-b@1.0.2', 'churn-a@1.0.2']);
    expect(registry.searchVersions({ alias: 'champion' }).items.map((v) => v.version)).toEqual(['1.0.1']);
    expect(registry.searchVersions({ tags: { fold: '0' }, stage: 'development' }).items).toHaveLength(4);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = registry.searchVersions({ page: { limit: 5, cursor } });
      seen.push(...page.items.map((v) => `${v.model}@${v.version}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);

    expect(() => registry.searchModels({ page: { cursor: 'garbage!' } })).toThrow(/not a cursor/);
    expect(() => registry.searchModels({ page: { cursor: page1.nextCursor } }).items).not.toThrow();
    expect(() => registry.searchVersions({ page: { cursor: page1.nextCursor } })).toThrow(/not a cursor/);
    expect(() =>
      registry.searchVersions({ metric: { key: 'accuracy', op: '; DROP' as '>', value: 1 } }),
    ).toThrow(/options.metric.op/);
    expect(() => registry.searchModels({ namePrefix: "x' OR 1=1" })).toThrow(/options.namePrefix/);
    expect(() => registry.searchModels({ page: { limit: 0 } })).toThrow(/options.page.limit/);
  });
});

describe('bundles', () => {
  it('exports a version with manifest and checksums and imports it into another registry', () => {
    const source = registries.open();
    const target = registries.open();
    source.registerModel('iris', { description: 'flowers', tags: { team: 'ml' } });
    source.createVersion('iris', {
      artifact: { coefficients: [1, 2, 3] },
      metrics: { accuracy: 0.97 },
      datasetHash: 'abc',
      codeVersion: 'v1',
    });
    source.createVersion('iris', { artifact: bytes(9, 9), parentVersion: '1.0.0' });
    const file = join(registries.tempDir(), 'iris.tar');
    const written = source.exportModel('iris', '1.0.1', file);
    expect(written.sizeBytes).toBe(readFileSync(file).byteLength);
    expect(target.importModel(file)).toEqual({ model: 'iris', version: '1.0.1' });
    expect(target.importModel(file)).toEqual({ model: 'iris', version: '1.0.1' });
    const imported = target.getVersion('iris', '1.0.1');
    expect(imported).toMatchObject({ stage: 'development', parent: { name: 'iris', version: '1.0.0' } });
    expect([...target.loadArtifact('iris', '1.0.1')]).toEqual([9, 9]);
    expect(target.getModel('iris')).toMatchObject({ description: 'flowers', tags: { team: 'ml' } });

    source.exportModel('iris', '1.0.0', file);
    target.importModel(file);
    expect(target.loadJson('iris', '1.0.0')).toEqual({ coefficients: [1, 2, 3] });
    expect(target.lineage('iris', '1.0.0')).toMatchObject({ datasetHash: 'abc', codeVersion: 'v1' });
  });

  it('refuses corrupt, truncated and conflicting bundles', () => {
    const source = registries.open();
    const target = registries.open();
    source.createVersion('m', { artifact: bytes(1, 2, 3, 4) });
    const file = join(registries.tempDir(), 'm.tar');
    source.exportModel('m', '1.0.0', file);
    const archive = readFileSync(file);

    const artifactHeader = archive.indexOf(Buffer.from('artifact.bin'));
    const corrupt = Buffer.from(archive);
    corrupt[artifactHeader + 512] = (corrupt[artifactHeader + 512] as number) ^ 0xff;
    writeFileSync(file, corrupt);
    expect(() => target.importModel(file)).toThrow(/artifact.bin does not match its checksum/);

    writeFileSync(file, archive.subarray(0, 700));
    expect(() => target.importModel(file)).toThrow(RegistryError);
    writeFileSync(file, Buffer.from('not a tar file at all'.repeat(40)));
    expect(() => target.importModel(file)).toThrow(RegistryError);
    expect(() => target.importModel(join(registries.tempDir(), 'missing.tar'))).toThrow(/cannot read bundle/);

    target.createVersion('m', { artifact: bytes(5) });
    writeFileSync(file, archive);
    expect(() => target.importModel(file)).toThrow(/already has version 1.0.0/);
  });
});

describe('malicious bundles', () => {
  it('refuses a bundle whose manifest names a path-traversing model', () => {
    const source = registries.open();
    source.createVersion('m', { artifact: bytes(1) });
    const file = join(registries.tempDir(), 'evil.tar');
    source.exportModel('m', '1.0.0', file);
    const entries = readTar(readFileSync(file), 16);
    const manifest = JSON.parse(Buffer.from(entries.get('manifest.json') as Uint8Array).toString());
    manifest.model.name = '../../etc/evil';
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const artifact = entries.get('artifact.bin') as Uint8Array;
    const sums = `${sha256Hex(manifestBytes)}  manifest.json\n${sha256Hex(artifact)}  artifact.bin\n`;
    writeFileSync(
      file,
      writeTar(
        [
          { name: 'manifest.json', bytes: manifestBytes },
          { name: 'artifact.bin', bytes: artifact },
          { name: 'SHA256SUMS', bytes: Buffer.from(sums) },
        ],
        0,
      ),
    );
    const target = registries.open();
    expect(() => target.importModel(file)).toThrow(/must start with a letter or digit/);
    expect(target.searchModels().items).toEqual([]);
  });
});

describe('gc and check', () => {
  it('removes only unreferenced artifacts and stale temp files', () => {
    const registry = registries.open();
    registry.createVersion('m', { artifact: bytes(1) });
    registry.createVersion('m', { artifact: bytes(2) });
    registry.createVersion('m', { artifact: bytes(1) }); // same content, one file
    writeFileSync(join(registry.dir, 'artifacts', 'tmp', 'leftover'), bytes(1, 2));
    expect(registry.gc({ tempMaxAgeMs: 0 })).toEqual({ removedArtifacts: 0, removedBytes: 2 });
    registry.deleteVersion('m', '1.0.1');
    expect(registry.gc()).toEqual({ removedArtifacts: 1, removedBytes: 1 });
    registry.deleteVersion('m', '1.0.0');
    expect(registry.gc().removedArtifacts).toBe(0); // still used by 1.0.2
    expect([...registry.loadArtifact('m', '1.0.2')]).toEqual([1]);
    expect(registry.check()).toMatchObject({ integrityOk: true, badArtifacts: [], checkedArtifacts: 1 });
  });
});

describe('malicious names', () => {
  const malicious = ['../x', '/etc/passwd', 'a/b', 'x'.repeat(10_240), 'a\0b', '..', '', 'a\\b', ' x'];

  it('are refused by every entry point with RegistryError', () => {
    const registry = registries.open();
    registry.createVersion('ok', { artifact: bytes(1) });
    registry.createExperiment('exp');
    const run = registry.startRun('exp');
    for (const name of malicious) {
      const attempts: (() => unknown)[] = [
        () => registry.registerModel(name),
        () => registry.createVersion(name, { artifact: bytes(1) }),
        () => registry.getModel(name),
        () => registry.getVersion(name, '1.0.0'),
        () => registry.resolve('ok', name),
        () => registry.setAlias('ok', name, '1.0.0'),
        () => registry.setTag('ok', name, 'v'),
        () => registry.createVersion('ok', { artifact: bytes(1), tags: { [name]: 'v' } }),
        () => registry.createExperiment(name),
        () => registry.startRun(name),
        () => registry.logMetric(run.id, name, 1),
        () => registry.logParams(run.id, { [name]: 1 }),
        () => registry.logArtifact(run.id, name, bytes(1)),
        () => registry.route('ok', 'k', { aliases: { [name]: 1 } }),
        () => registry.recordOutcome('ok', name, 1),
        () => registry.lineage(name, '1.0.0'),
      ];
      for (const attempt of attempts) expect(attempt).toThrow(RegistryError);
    }
    expect(registry.searchModels().items.map((model) => model.name)).toEqual(['ok']);
  });
});
