import { createHash } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSuite } from '@toolbox/config/bench';
import Database from 'better-sqlite3';
import { openRegistry, type Registry } from '../src/index.js';

const dirs: string[] = [];
const closers: (() => void)[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolbox-registry-bench-'));
  dirs.push(dir);
  return dir;
}

/** The same durable work as createVersion without the registry: sha256, temp + fsync + rename + directory fsync, one row in a FULL-sync WAL database. */
function plainVersionWriter() {
  const dir = tempDir();
  mkdirSync(join(dir, 'objects'));
  const db = new Database(join(dir, 'plain.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE versions (id INTEGER PRIMARY KEY, model TEXT, version INTEGER, sha256 TEXT, size INTEGER, UNIQUE (model, version))',
  );
  closers.push(() => db.close());
  const insert = db.prepare('INSERT INTO versions (model, version, sha256, size) VALUES (?, ?, ?, ?)');
  let next = 0;
  return (artifact: Uint8Array): void => {
    const sha256 = createHash('sha256').update(artifact).digest('hex');
    const temp = join(dir, `tmp-${next}`);
    const fd = openSync(temp, 'wx');
    writeSync(fd, artifact);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, join(dir, 'objects', sha256));
    // A rename is durable only once its directory is fsync'd.
    const directory = openSync(join(dir, 'objects'), 'r');
    fsyncSync(directory);
    closeSync(directory);
    insert.run('m', next++, sha256, artifact.byteLength);
  };
}

function uniqueArtifact(buffer: Uint8Array, counter: number): Uint8Array {
  new DataView(buffer.buffer, buffer.byteOffset).setFloat64(0, counter);
  return buffer;
}

/** `runs` runs with 10 metrics and 2 params each, written straight into the registry's database (setup only). */
function seedRuns(registry: Registry, runs: number): void {
  registry.createExperiment('bench');
  const db = new Database(join(registry.dir, 'registry.db'));
  const experimentId = (db.prepare("SELECT id FROM experiments WHERE name = 'bench'").get() as { id: number })
    .id;
  const run = db.prepare(
    "INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES (?, ?, ?, 'finished', ?)",
  );
  const param = db.prepare('INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?)');
  const metric = db.prepare(
    'INSERT INTO run_metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, 0, ?)',
  );
  const latest = db.prepare(
    'INSERT INTO run_latest_metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, 0, ?)',
  );
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  db.transaction(() => {
    for (let index = 0; index < runs; index++) {
      const id = index.toString(16).padStart(32, '0');
      run.run(id, experimentId, `run-${index}`, index);
      param.run(id, 'optimizer', index % 4 === 0 ? 'adam' : 'sgd');
      param.run(id, 'lr', String(random() / 10));
      for (let key = 0; key < 10; key++) {
        const value = random();
        metric.run(id, `m${key}`, value, index);
        latest.run(id, `m${key}`, value, index);
      }
    }
  })();
  db.pragma('optimize');
  db.close();
}

export default defineSuite({
  name: 'registry',
  cases: ({ quick }) => {
    // createVersion vs the plain durable write.
    const writeRegistry = openRegistry({ dir: tempDir() });
    closers.push(() => writeRegistry.close());
    const plainWrite = plainVersionWriter();
    const candidateBuffer = new Uint8Array(8192);
    const baselineBuffer = new Uint8Array(8192);
    let candidateCounter = 0;
    let baselineCounter = 0;

    // resolve(alias) vs one hand-written prepared join.
    const readRegistry = openRegistry({ dir: tempDir() });
    closers.push(() => readRegistry.close());
    const versions = quick ? 20 : 200;
    for (let index = 0; index < versions; index++) {
      readRegistry.createVersion('m', {
        artifact: new Uint8Array([index]),
        metrics: { accuracy: index / versions },
        tags: { fold: String(index % 5) },
      });
    }
    readRegistry.setAlias('m', 'champion', `1.0.${versions - 1}`);
    readRegistry.setAlias('m', 'challenger', `1.0.${versions - 2}`);
    const readDb = new Database(join(readRegistry.dir, 'registry.db'), { readonly: true });
    closers.push(() => readDb.close());
    const plainResolve = readDb.prepare(
      'SELECT v.* FROM versions v JOIN aliases a ON a.version_id = v.id JOIN models m ON m.id = a.model_id WHERE m.name = ? AND a.alias = ?',
    );
    let routeKey = 0;

    // searchRuns over runs x 10 metrics.
    const runs = quick ? 1_000 : 10_000;
    const searchRegistry = openRegistry({ dir: tempDir() });
    closers.push(() => searchRegistry.close());
    seedRuns(searchRegistry, runs);
    const searchDb = new Database(join(searchRegistry.dir, 'registry.db'), { readonly: true });
    closers.push(() => searchDb.close());
    const plainSearch = searchDb.prepare(
      `SELECT r.id, r.name, r.status FROM runs r
       JOIN run_latest_metrics m ON m.run_id = r.id AND m.key = 'm3'
       JOIN run_params p ON p.run_id = r.id AND p.key = 'optimizer'
       WHERE m.value > 0.9 AND p.value = 'adam' ORDER BY m.value DESC LIMIT 50`,
    );
    const plainMetrics = searchDb.prepare('SELECT key, value FROM run_latest_metrics WHERE run_id = ?');
    const filter = 'metrics.m3 > 0.9 and params.optimizer = "adam"';

    return [
      {
        name: 'createVersion (8 KiB artifact, durable)',
        baseline: {
          name: 'sha256 + temp/fsync/rename/dir-fsync + FULL-sync insert',
          fn: () => plainWrite(uniqueArtifact(baselineBuffer, baselineCounter++)),
        },
        candidate: {
          name: 'registry.createVersion',
          fn: () =>
            writeRegistry.createVersion('m', {
              artifact: uniqueArtifact(candidateBuffer, candidateCounter++),
              metrics: { accuracy: 0.9 },
            }),
        },
        work: { amount: 1, unit: 'version' },
      },
      {
        name: `resolve alias (${versions} versions)`,
        baseline: { name: 'prepared join select', fn: () => plainResolve.get('m', 'champion') },
        candidate: { name: 'registry.resolve(champion)', fn: () => readRegistry.resolve('m', 'champion') },
        work: { amount: 1, unit: 'resolve' },
      },
      {
        name: 'route (2 aliases, counted)',
        baseline: { name: 'prepared join select', fn: () => plainResolve.get('m', 'champion') },
        candidate: {
          name: 'registry.route',
          fn: () =>
            readRegistry.route('m', `user-${routeKey++}`, { aliases: { champion: 0.9, challenger: 0.1 } }),
        },
        work: { amount: 1, unit: 'route' },
      },
      {
        name: `searchRuns over ${runs * 10} metrics (${runs} runs)`,
        baseline: {
          name: 'hand-written SQL + metrics per hit',
          fn: () => (plainSearch.all() as { id: string }[]).map((row) => plainMetrics.all(row.id)),
        },
        candidate: {
          name: 'registry.searchRuns(filter, orderBy)',
          fn: () => searchRegistry.searchRuns({ filter, orderBy: 'metrics.m3 DESC', page: { limit: 50 } }),
        },
        work: { amount: 1, unit: 'search' },
      },
    ];
  },
  teardown: () => {
    for (const close of closers.splice(0)) close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
});
