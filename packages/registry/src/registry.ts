import { mkdirSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { RegistryError } from '@toolbox/contracts';
import { type AbRouter, createAbRouter } from './_ab.js';
import { createArtifactStore } from './_artifact-store.js';
import { exportModel, importModel } from './_bundle.js';
import { createContext, type RegistryContext } from './_context.js';
import { openDatabase } from './_database.js';
import { createExperimentsApi, findRun } from './_experiments.js';
import { deleteAlias, history, rollback, setAlias, transition } from './_lifecycle.js';
import { check, gc } from './_maintenance.js';
import {
  findModel,
  findVersion,
  requireModel,
  requireVersion,
  requireVersionByName,
  toVersionInfo,
} from './_rows.js';
import { searchModels, searchVersions } from './_search.js';
import { positiveInteger, refuse } from './_validate.js';
import {
  createVersion,
  deleteVersion,
  getModel,
  getVersion,
  listVersions,
  loadArtifact,
  registerModel,
  setTag,
} from './_versions.js';
import type {
  CheckResult,
  CreateVersionOptions,
  Experiments,
  GcOptions,
  GcResult,
  ImportResult,
  LineageInfo,
  ModelInfo,
  OpenRegistryOptions,
  Page,
  RegisterModelOptions,
  RouteOptions,
  RouteResult,
  SearchModelsOptions,
  SearchVersionsOptions,
  Stage,
  TransitionOptions,
  TransitionRecord,
  VariantStats,
  VersionInfo,
} from './types.js';

/**
 * A model registry on one SQLite file plus a content-addressed artifact directory.
 * Every method is synchronous (better-sqlite3); every mutation is one transaction, and
 * several processes may open the same directory at once.
 *
 * A `version` argument accepts a reference: an exact version (`'1.2.3'`), `'latest'`,
 * a stage name (the version most recently moved into it) or an alias.
 */
export interface Registry extends Experiments {
  /** The registry directory (absolute). */
  readonly dir: string;
  registerModel(name: string, options?: RegisterModelOptions): ModelInfo;
  getModel(name: string): ModelInfo;
  createVersion(name: string, options: CreateVersionOptions): VersionInfo;
  getVersion(name: string, version: string): VersionInfo;
  /** All versions, highest semver first. */
  listVersions(name: string): VersionInfo[];
  /** The artifact's bytes, verified against their SHA-256. */
  loadArtifact(name: string, version: string): Uint8Array;
  /** The artifact parsed as JSON (for versions created from a JSON value). */
  loadJson(name: string, version: string): unknown;
  /** Refused for production versions and alias targets. Artifacts are freed by `gc()`. */
  deleteVersion(name: string, version: string): void;
  /** Sets a model tag, or a version tag when `version` is given; `value` undefined removes it. */
  setTag(name: string, key: string, value: string | undefined, version?: string): void;
  transition(name: string, version: string, stage: Stage, options?: TransitionOptions): VersionInfo;
  /** Shorthand for `transition(name, version, 'production', options)`. */
  promote(name: string, version: string, options?: TransitionOptions): VersionInfo;
  rollback(name: string, options?: { reason?: string }): VersionInfo;
  /** Stage changes with timestamps and reasons, oldest first; one version's when `version` is given. */
  history(name: string, version?: string): TransitionRecord[];
  setAlias(name: string, alias: string, version: string): VersionInfo;
  deleteAlias(name: string, alias: string): boolean;
  /** A version by exact version, `latest`, stage or alias. */
  resolve(name: string, reference: string): VersionInfo;
  /** Picks an alias for `key` by weighted deterministic hashing and counts it. */
  route(name: string, key: string | number, options: RouteOptions): RouteResult;
  /** Adds an observation (e.g. a conversion, a latency) to a variant's outcome statistics. */
  recordOutcome(name: string, variant: string, value: number, options?: { metric?: string }): void;
  abStats(name: string): VariantStats[];
  lineage(name: string, version: string): LineageInfo;
  searchModels(options?: SearchModelsOptions): Page<ModelInfo>;
  searchVersions(options?: SearchVersionsOptions): Page<VersionInfo>;
  exportModel(
    name: string,
    version: string,
    file: string,
  ): { file: string; sha256: string; sizeBytes: number };
  importModel(file: string): ImportResult;
  gc(options?: GcOptions): GcResult;
  /** Database integrity and every referenced artifact's checksum. */
  check(): CheckResult;
  /** Flushes route counters and closes the database. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
}

const MAX_LINEAGE_DEPTH = 100;

function lineage(context: RegistryContext, name: unknown, reference: unknown): LineageInfo {
  const model = requireModel(context, name);
  const row = requireVersion(context, model, reference);
  const parents: { name: string; version: string }[] = [];
  const seen = new Set<string>([`${model.name}@${row.version}`]);
  let next =
    row.parent_model !== null && row.parent_version !== null
      ? { name: row.parent_model, version: row.parent_version }
      : undefined;
  while (next && parents.length < MAX_LINEAGE_DEPTH && !seen.has(`${next.name}@${next.version}`)) {
    parents.push(next);
    seen.add(`${next.name}@${next.version}`);
    const parentModel = findModel(context, next.name);
    const parentRow = parentModel ? findVersion(context, parentModel, next.version) : undefined;
    next =
      parentRow?.parent_model && parentRow.parent_version
        ? { name: parentRow.parent_model, version: parentRow.parent_version }
        : undefined;
  }
  return {
    model: model.name,
    version: row.version,
    parents,
    run: row.run_id === null ? undefined : findRun(context, row.run_id),
    runId: row.run_id ?? undefined,
    datasetHash: row.dataset_hash ?? undefined,
    codeVersion: row.code_version ?? undefined,
    source: row.source ?? undefined,
  };
}

/** Opens (creating if needed) the registry in `options.dir`. */
export function openRegistry(options: OpenRegistryOptions): Registry {
  if (typeof options !== 'object' || options === null) refuse('options must be an object with { dir }', {});
  if (typeof options.dir !== 'string' || options.dir.length === 0 || options.dir.includes('\0')) {
    refuse('options.dir must be a non-empty directory path without NUL bytes', { argument: 'options.dir' });
  }
  const busyTimeoutMs = positiveInteger(
    options.busyTimeoutMs ?? 10_000,
    'options.busyTimeoutMs',
    2_147_483_647,
  );
  const maxArtifactBytes = positiveInteger(
    options.maxArtifactBytes ?? 2 ** 30,
    'options.maxArtifactBytes',
    2 ** 31 - 1,
  );
  const flushEvery = positiveInteger(
    options.routeCounterFlushEvery ?? 1_000,
    'options.routeCounterFlushEvery',
    1_000_000,
  );
  const dir = resolvePath(options.dir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new RegistryError(`cannot create registry directory ${dir}: ${(error as Error).message}`, {
      cause: error,
      details: { dir },
    });
  }
  const store = createArtifactStore(join(dir, 'artifacts'));
  const db = openDatabase(join(dir, 'registry.db'), busyTimeoutMs);
  const context = createContext(db, store, maxArtifactBytes);
  const experiments = createExperimentsApi(context);
  const router: AbRouter = createAbRouter(context, flushEvery);
  let closed = false;

  // Calls after close() fail with a RegistryError instead of better-sqlite3's TypeError.
  const open =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      if (closed) throw new RegistryError(`registry ${dir} is closed`, { details: { dir } });
      return fn(...args);
    };

  const wrappedExperiments = Object.fromEntries(
    Object.entries(experiments).map(([key, fn]) => [key, open(fn as (...args: unknown[]) => unknown)]),
  ) as unknown as Experiments;

  const close = (): void => {
    if (closed) return;
    try {
      router.flush();
    } finally {
      closed = true;
      db.close();
    }
  };

  return {
    dir,
    ...wrappedExperiments,
    registerModel: open((name, registerOptions) => registerModel(context, name, registerOptions)),
    getModel: open((name) => getModel(context, name)),
    createVersion: open((name, createOptions) => createVersion(context, name, createOptions)),
    getVersion: open((name, version) => getVersion(context, name, version)),
    listVersions: open((name) => listVersions(context, name)),
    loadArtifact: open((name, version) => loadArtifact(context, name, version)),
    loadJson: open((name, version) => {
      const row = requireVersionByName(context, name, version);
      if (row.artifact_media_type !== 'application/json')
        refuse(`${row.model_name}@${row.version} holds binary data, not JSON; use loadArtifact()`, {});
      return JSON.parse(
        Buffer.from(context.store.read(row.artifact_sha256, row.artifact_size)).toString('utf8'),
      );
    }),
    deleteVersion: open((name, version) => deleteVersion(context, name, version)),
    setTag: open((name, key, value, version) => setTag(context, name, key, value, version)),
    transition: open((name, version, stage, transitionOptions) =>
      transition(context, name, version, stage, transitionOptions),
    ),
    promote: open((name, version, transitionOptions) =>
      transition(context, name, version, 'production', transitionOptions),
    ),
    rollback: open((name, rollbackOptions) => rollback(context, name, rollbackOptions)),
    history: open((name, version) => history(context, name, version)),
    setAlias: open((name, alias, version) => setAlias(context, name, alias, version)),
    deleteAlias: open((name, alias) => deleteAlias(context, name, alias)),
    resolve: open((name, reference) =>
      toVersionInfo(requireVersionByName(context, name, reference, 'reference')),
    ),
    route: open((name, key, routeOptions) => router.route(name, key, routeOptions)),
    recordOutcome: open((name, variant, value, outcomeOptions) =>
      router.recordOutcome(name, variant, value, outcomeOptions),
    ),
    abStats: open((name) => router.stats(name)),
    lineage: open((name, version) => lineage(context, name, version)),
    searchModels: open((searchOptions) => searchModels(context, searchOptions)),
    searchVersions: open((searchOptions) => searchVersions(context, searchOptions)),
    exportModel: open((name, version, file) => exportModel(context, name, version, file)),
    importModel: open((file) => importModel(context, file)),
    gc: open((gcOptions) => gc(context, gcOptions)),
    check: open(() => check(context)),
    close,
    [Symbol.dispose]: close,
  };
}
