import semver from 'semver';
import { type RegistryContext, stageArtifact } from './_context.js';
import {
  findModel,
  findVersion,
  latestVersion,
  type ModelRow,
  requireModel,
  requireVersion,
  requireVersionByName,
  toModelInfo,
  toVersionInfo,
  validateVersion,
} from './_rows.js';
import {
  MAX_VALUE_CHARS,
  optionalText,
  refuse,
  validateMetrics,
  validateParams,
  validateTags,
} from './_validate.js';
import { validateName } from './names.js';
import type {
  ArtifactInfo,
  CreateVersionOptions,
  ModelInfo,
  RegisterModelOptions,
  VersionInfo,
} from './types.js';

const FIRST_VERSION = '1.0.0';

function insertModel(
  context: RegistryContext,
  name: string,
  description: string,
  tags: Record<string, string>,
  now: number,
): ModelRow {
  const result = context
    .statement('INSERT INTO models (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)')
    .run(name, description, now, now);
  const id = Number(result.lastInsertRowid);
  for (const [key, value] of Object.entries(tags)) {
    context.statement('INSERT INTO model_tags (model_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
  }
  return { id, name, description, created_at: now, updated_at: now };
}

export function registerModel(
  context: RegistryContext,
  name: unknown,
  options: RegisterModelOptions = {},
): ModelInfo {
  const checked = validateName(name, 'name');
  const description = optionalText(options.description, 'options.description') ?? '';
  const tags = validateTags(options.tags, 'options.tags');
  const row = context.write(() => {
    if (findModel(context, checked))
      refuse(`model ${JSON.stringify(checked)} already exists`, { model: checked, reason: 'conflict' });
    return insertModel(context, checked, description, tags, Date.now());
  });
  return toModelInfo(context, row);
}

export function getModel(context: RegistryContext, name: unknown): ModelInfo {
  return toModelInfo(context, requireModel(context, name));
}

export interface InternalCreateOptions {
  /** Require `runId` and `parentVersion` to exist; off for imported bundles, whose lineage points elsewhere. */
  checkReferences: boolean;
  /** Model description and tags when the model must be registered (imports). */
  modelDefaults?: RegisterModelOptions;
  /** Media type of byte artifacts (imports keep the exported one). */
  artifactMediaType?: ArtifactInfo['mediaType'];
}

function parentReference(
  name: string,
  parent: CreateVersionOptions['parentVersion'],
): { name: string; version: string } | undefined {
  if (parent === undefined) return undefined;
  if (typeof parent === 'string')
    return { name, version: validateVersion(parent, 'options.parentVersion').version };
  if (typeof parent !== 'object' || parent === null)
    refuse('options.parentVersion must be a version string or { name, version }', {});
  return {
    name: validateName(parent.name, 'options.parentVersion.name'),
    version: validateVersion(parent.version, 'options.parentVersion.version').version,
  };
}

export function createVersion(
  context: RegistryContext,
  name: unknown,
  options: CreateVersionOptions,
  internal: InternalCreateOptions = { checkReferences: true },
): VersionInfo {
  const model = validateName(name, 'name');
  if (typeof options !== 'object' || options === null)
    refuse('options must be an object with at least { artifact }', {});
  if (!('artifact' in options) || options.artifact === undefined)
    refuse('options.artifact is required', { argument: 'options.artifact' });
  const explicit =
    options.version === undefined ? undefined : validateVersion(options.version, 'options.version');
  const bump = options.bump ?? 'patch';
  if (bump !== 'major' && bump !== 'minor' && bump !== 'patch')
    refuse(`options.bump must be 'major', 'minor' or 'patch', got ${String(bump)}`, {});
  const params = validateParams(options.params, 'options.params');
  const metrics = validateMetrics(options.metrics, 'options.metrics');
  const tags = validateTags(options.tags, 'options.tags');
  const description = optionalText(options.description, 'options.description') ?? '';
  const source = optionalText(options.source, 'options.source', MAX_VALUE_CHARS);
  const codeVersion = optionalText(options.codeVersion, 'options.codeVersion', MAX_VALUE_CHARS);
  const datasetHash = optionalText(options.datasetHash, 'options.datasetHash', 256);
  const runId = options.runId === undefined ? undefined : validateName(options.runId, 'options.runId');
  const parent = parentReference(model, options.parentVersion);

  // Hash and fsync the bytes before taking the write lock; only the rename happens under it.
  const stagedArtifact = stageArtifact(context, options.artifact, 'options.artifact');
  const { staged } = stagedArtifact;
  const mediaType = internal.artifactMediaType ?? stagedArtifact.mediaType;
  let committed = false;
  try {
    const row = context.write(() => {
      const now = Date.now();
      let modelRow = findModel(context, model);
      if (!modelRow) {
        if (options.createModel === false)
          refuse(`model ${JSON.stringify(model)} does not exist`, { model, reason: 'not_found' });
        modelRow = insertModel(
          context,
          model,
          internal.modelDefaults?.description ?? '',
          internal.modelDefaults?.tags ?? {},
          now,
        );
      }
      let version: string;
      if (explicit) {
        version = explicit.version;
        if (findVersion(context, modelRow, version))
          refuse(`model ${JSON.stringify(model)} already has version ${version}`, {
            model,
            version,
            reason: 'conflict',
          });
      } else {
        const latest = latestVersion(context, modelRow.id);
        version = latest ? (semver.inc(latest.version, bump) as string) : FIRST_VERSION;
      }
      if (internal.checkReferences) {
        if (runId !== undefined && !context.statement('SELECT 1 FROM runs WHERE id = ?').get(runId)) {
          refuse(`options.runId ${JSON.stringify(runId)} is not a run in this registry`, {
            argument: 'options.runId',
          });
        }
        if (parent) {
          const parentModel = findModel(context, parent.name);
          if (!parentModel || !findVersion(context, parentModel, parent.version)) {
            refuse(`options.parentVersion ${parent.name}@${parent.version} does not exist`, {
              argument: 'options.parentVersion',
            });
          }
        }
      }
      const parsed = semver.parse(version) as semver.SemVer;
      context.store.commit(staged);
      committed = true;
      const result = context
        .statement(
          `INSERT INTO versions (model_id, version, major, minor, patch, prerelease, stage, stage_updated_at, artifact_sha256, artifact_size,
             artifact_media_type, description, params, source, code_version, run_id, parent_model, parent_version, dataset_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 'development', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          modelRow.id,
          version,
          parsed.major,
          parsed.minor,
          parsed.patch,
          parsed.prerelease.join('.'),
          now,
          staged.sha256,
          staged.sizeBytes,
          mediaType,
          description,
          JSON.stringify(params),
          source ?? null,
          codeVersion ?? null,
          runId ?? null,
          parent?.name ?? null,
          parent?.version ?? null,
          datasetHash ?? null,
          now,
        );
      const versionId = Number(result.lastInsertRowid);
      for (const [key, value] of Object.entries(tags)) {
        context
          .statement('INSERT INTO version_tags (version_id, key, value) VALUES (?, ?, ?)')
          .run(versionId, key, value);
      }
      for (const [key, value] of Object.entries(metrics)) {
        context
          .statement('INSERT INTO version_metrics (version_id, key, value) VALUES (?, ?, ?)')
          .run(versionId, key, value);
      }
      context
        .statement(
          "INSERT INTO transitions (model_id, version_id, from_stage, to_stage, kind, reason, at) VALUES (?, ?, NULL, 'development', 'create', '', ?)",
        )
        .run(modelRow.id, versionId, now);
      context.statement('UPDATE models SET updated_at = ? WHERE id = ?').run(now, modelRow.id);
      return requireVersion(context, modelRow, version);
    });
    return toVersionInfo(row);
  } finally {
    // A committed file without a row (the transaction failed after the rename) is left for gc().
    if (!committed) context.store.discard(staged);
  }
}

export function getVersion(context: RegistryContext, name: unknown, reference: unknown): VersionInfo {
  return toVersionInfo(requireVersionByName(context, name, reference));
}

export function listVersions(context: RegistryContext, name: unknown): VersionInfo[] {
  const model = requireModel(context, name);
  const ids = context.statement('SELECT version FROM versions WHERE model_id = ?').all(model.id) as {
    version: string;
  }[];
  return semver
    .rsort(ids.map((row) => row.version))
    .map((version) => toVersionInfo(requireVersion(context, model, version)));
}

export function loadArtifact(context: RegistryContext, name: unknown, reference: unknown): Uint8Array {
  const row = requireVersionByName(context, name, reference);
  return context.store.read(row.artifact_sha256, row.artifact_size);
}

export function deleteVersion(context: RegistryContext, name: unknown, reference: unknown): void {
  const model = requireModel(context, name);
  context.write(() => {
    const row = requireVersion(context, model, reference);
    if (row.stage === 'production') {
      refuse(
        `version ${row.version} of ${JSON.stringify(model.name)} is in production; archive or roll it back before deleting`,
        {
          model: model.name,
          version: row.version,
        },
      );
    }
    const alias = context.statement('SELECT alias FROM aliases WHERE version_id = ? LIMIT 1').get(row.id) as
      | { alias: string }
      | undefined;
    if (alias) {
      refuse(
        `version ${row.version} of ${JSON.stringify(model.name)} is the target of alias ${JSON.stringify(alias.alias)}; move or delete the alias first`,
        {
          model: model.name,
          version: row.version,
        },
      );
    }
    context.statement('DELETE FROM versions WHERE id = ?').run(row.id);
    context.statement('UPDATE models SET updated_at = ? WHERE id = ?').run(Date.now(), model.id);
  });
}

/** Sets (or with `value === undefined`, removes) a tag on a model, or on one of its versions when `version` is given. */
export function setTag(
  context: RegistryContext,
  name: unknown,
  key: unknown,
  value: unknown,
  version?: unknown,
): void {
  const model = requireModel(context, name);
  const checkedKey = validateName(key, 'key');
  const checkedValue = optionalText(value, 'value', MAX_VALUE_CHARS);
  context.write(() => {
    if (version === undefined) {
      if (checkedValue === undefined)
        context.statement('DELETE FROM model_tags WHERE model_id = ? AND key = ?').run(model.id, checkedKey);
      else
        context
          .statement(
            'INSERT INTO model_tags (model_id, key, value) VALUES (?, ?, ?) ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value',
          )
          .run(model.id, checkedKey, checkedValue);
    } else {
      const row = requireVersion(context, model, version);
      if (checkedValue === undefined)
        context
          .statement('DELETE FROM version_tags WHERE version_id = ? AND key = ?')
          .run(row.id, checkedKey);
      else
        context
          .statement(
            'INSERT INTO version_tags (version_id, key, value) VALUES (?, ?, ?) ON CONFLICT (version_id, key) DO UPDATE SET value = excluded.value',
          )
          .run(row.id, checkedKey, checkedValue);
    }
    context.statement('UPDATE models SET updated_at = ? WHERE id = ?').run(Date.now(), model.id);
  });
}
