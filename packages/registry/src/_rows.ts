import semver from 'semver';
import type { RegistryContext } from './_context.js';
import { refuse } from './_validate.js';
import { validateName } from './names.js';
import type { ModelInfo, Stage, VersionInfo } from './types.js';

export const STAGES: readonly Stage[] = ['development', 'staging', 'production', 'archived'];
/** References that `resolve` reads as something other than an alias. */
export const RESERVED_REFERENCES = new Set<string>([...STAGES, 'latest']);

export interface ModelRow {
  id: number;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface VersionRow {
  id: number;
  model_id: number;
  model_name: string;
  version: string;
  stage: Stage;
  stage_updated_at: number;
  artifact_sha256: string;
  artifact_size: number;
  artifact_media_type: 'application/octet-stream' | 'application/json';
  description: string;
  params: string;
  source: string | null;
  code_version: string | null;
  run_id: string | null;
  parent_model: string | null;
  parent_version: string | null;
  dataset_hash: string | null;
  created_at: number;
  metrics_json: string;
  tags_json: string;
  aliases_json: string;
}

/**
 * One version with its metrics, tags and aliases folded in as JSON, so reading a
 * version is a single query (the correlated subqueries walk primary-key indexes).
 * Metrics travel as 17-digit text: SQLite's JSON renders REALs with only 15 digits.
 */
export const VERSION_SELECT = `SELECT v.*, m.name AS model_name,
  (SELECT json_group_object(key, printf('%!.17g', value)) FROM version_metrics WHERE version_id = v.id) AS metrics_json,
  (SELECT json_group_object(key, value) FROM version_tags WHERE version_id = v.id) AS tags_json,
  (SELECT json_group_array(alias) FROM aliases WHERE version_id = v.id) AS aliases_json
  FROM versions v JOIN models m ON m.id = v.model_id`;

export function findModel(context: RegistryContext, name: string): ModelRow | undefined {
  return context.statement('SELECT * FROM models WHERE name = ?').get(name) as ModelRow | undefined;
}

export function requireModel(context: RegistryContext, name: unknown): ModelRow {
  const checked = validateName(name, 'name');
  return (
    findModel(context, checked) ??
    refuse(`model ${JSON.stringify(checked)} does not exist`, { model: checked, reason: 'not_found' })
  );
}

/** Canonical semantic version (`1.2.3`, `1.2.3-rc.1`); build metadata and `v` prefixes are refused. */
export function validateVersion(version: unknown, argument: string): semver.SemVer {
  if (typeof version !== 'string' || version.length > 128) {
    refuse(`${argument} must be a semantic version string such as "1.2.3"`, { argument });
  }
  const parsed = semver.parse(version);
  if (!parsed || parsed.version !== version || parsed.build.length > 0) {
    refuse(
      `${argument} ${JSON.stringify(version.slice(0, 64))} is not a canonical semantic version such as "1.2.3" or "1.2.3-rc.1"`,
      {
        argument,
      },
    );
  }
  return parsed;
}

/**
 * A version of `model` by reference: an exact semver, `latest` (highest version), a
 * stage (the version most recently moved into it) or an alias.
 */
export function findVersion(
  context: RegistryContext,
  model: ModelRow,
  reference: unknown,
  argument = 'version',
): VersionRow | undefined {
  if (typeof reference !== 'string')
    refuse(`${argument} must be a string, got ${typeof reference}`, { argument });
  if (semver.valid(reference) === reference) {
    return context
      .statement(`${VERSION_SELECT} WHERE v.model_id = ? AND v.version = ?`)
      .get(model.id, reference) as VersionRow | undefined;
  }
  if (reference === 'latest') return latestVersion(context, model.id);
  if ((STAGES as readonly string[]).includes(reference)) {
    return context
      .statement(
        `${VERSION_SELECT} WHERE v.model_id = ? AND v.stage = ? ORDER BY v.stage_updated_at DESC, v.id DESC LIMIT 1`,
      )
      .get(model.id, reference) as VersionRow | undefined;
  }
  validateName(reference, argument);
  return context
    .statement(`${VERSION_SELECT} JOIN aliases a ON a.version_id = v.id WHERE a.model_id = ? AND a.alias = ?`)
    .get(model.id, reference) as VersionRow | undefined;
}

/**
 * Fast path for exact versions and aliases: one query joined on the model name. On a
 * miss (or for stages and `latest`) it falls back to `requireVersion`, whose errors say
 * whether the model or the version is missing.
 */
export function requireVersionByName(
  context: RegistryContext,
  name: unknown,
  reference: unknown,
  argument = 'version',
): VersionRow {
  if (typeof name === 'string' && typeof reference === 'string') {
    let row: VersionRow | undefined;
    if (semver.valid(reference) === reference) {
      row = context.statement(`${VERSION_SELECT} WHERE m.name = ? AND v.version = ?`).get(name, reference) as
        | VersionRow
        | undefined;
    } else if (!RESERVED_REFERENCES.has(reference)) {
      row = context
        .statement(
          `${VERSION_SELECT} JOIN aliases a ON a.version_id = v.id AND a.model_id = m.id WHERE m.name = ? AND a.alias = ?`,
        )
        .get(name, reference) as VersionRow | undefined;
    }
    if (row) return row;
  }
  return requireVersion(context, requireModel(context, name), reference, argument);
}

export function requireVersion(
  context: RegistryContext,
  model: ModelRow,
  reference: unknown,
  argument = 'version',
): VersionRow {
  return (
    findVersion(context, model, reference, argument) ??
    refuse(
      `model ${JSON.stringify(model.name)} has no version ${JSON.stringify(String(reference).slice(0, 140))}`,
      {
        model: model.name,
        argument,
        reason: 'not_found',
      },
    )
  );
}

/** Highest semantic version of a model (semver precedence, prereleases below their release). */
export function latestVersion(context: RegistryContext, modelId: number): VersionRow | undefined {
  const rows = context
    .statement(
      `${VERSION_SELECT} WHERE v.model_id = ? AND (v.major, v.minor, v.patch) = (SELECT major, minor, patch FROM versions WHERE model_id = ? ORDER BY major DESC, minor DESC, patch DESC LIMIT 1)`,
    )
    .all(modelId, modelId) as VersionRow[];
  return rows.sort((a, b) => semver.rcompare(a.version, b.version))[0];
}

function keyValues(context: RegistryContext, sql: string, id: number | string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const row of context.statement(sql).all(id) as { key: string; value: string }[])
    result[row.key] = row.value;
  return result;
}

/** Decodes `json_group_object(key, printf('%!.17g', value))`, exact for every double. */
export function parseMetrics(json: string): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(JSON.parse(json) as Record<string, string>))
    metrics[key] = Number(value);
  return metrics;
}

export function toVersionInfo(row: VersionRow): VersionInfo {
  return {
    model: row.model_name,
    version: row.version,
    stage: row.stage,
    stageUpdatedAt: row.stage_updated_at,
    artifact: {
      sha256: row.artifact_sha256,
      sizeBytes: row.artifact_size,
      mediaType: row.artifact_media_type,
    },
    description: row.description,
    params: JSON.parse(row.params) as Record<string, string>,
    metrics: parseMetrics(row.metrics_json),
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    aliases: (JSON.parse(row.aliases_json) as string[]).sort(),
    source: row.source ?? undefined,
    codeVersion: row.code_version ?? undefined,
    runId: row.run_id ?? undefined,
    parent:
      row.parent_model !== null && row.parent_version !== null
        ? { name: row.parent_model, version: row.parent_version }
        : undefined,
    datasetHash: row.dataset_hash ?? undefined,
    createdAt: row.created_at,
  };
}

export function toModelInfo(context: RegistryContext, row: ModelRow): ModelInfo {
  const aliases: Record<string, string> = {};
  for (const alias of context
    .statement(
      'SELECT a.alias, v.version FROM aliases a JOIN versions v ON v.id = a.version_id WHERE a.model_id = ? ORDER BY a.alias',
    )
    .all(row.id) as { alias: string; version: string }[]) {
    aliases[alias.alias] = alias.version;
  }
  const count = context
    .statement('SELECT count(*) AS count FROM versions WHERE model_id = ?')
    .get(row.id) as { count: number };
  return {
    name: row.name,
    description: row.description,
    tags: keyValues(context, 'SELECT key, value FROM model_tags WHERE model_id = ? ORDER BY key', row.id),
    aliases,
    latestVersion: latestVersion(context, row.id)?.version,
    versionCount: count.count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
