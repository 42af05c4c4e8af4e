import type { RegistryContext } from './_context.js';
import { decodeCursor, encodeCursor } from './_cursor.js';
import {
  type ModelRow,
  STAGES,
  toModelInfo,
  toVersionInfo,
  VERSION_SELECT,
  type VersionRow,
} from './_rows.js';
import { positiveInteger, refuse, validateNumber, validateTags } from './_validate.js';
import { validateName } from './names.js';
import type {
  MetricThreshold,
  ModelInfo,
  Page,
  SearchModelsOptions,
  SearchVersionsOptions,
} from './types.js';

const OPERATORS = new Set(['>', '>=', '<', '<=', '=']);

interface Conditions {
  where: string[];
  params: (string | number)[];
}

function checkOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) refuse('options must be an object', {});
}

function namePrefix(conditions: Conditions, prefix: unknown): void {
  if (prefix === undefined) return;
  if (typeof prefix !== 'string' || prefix.length > 128 || !/^[A-Za-z0-9._-]*$/.test(prefix)) {
    refuse('options.namePrefix must be at most 128 letters, digits, ".", "_" or "-"', {
      argument: 'options.namePrefix',
    });
  }
  conditions.where.push('substr(m.name, 1, ?) = ?');
  conditions.params.push(prefix.length, prefix);
}

function stage(value: unknown): string {
  if (!(STAGES as readonly unknown[]).includes(value))
    refuse(`options.stage must be one of ${STAGES.join(', ')}, got ${JSON.stringify(value)}`, {
      argument: 'options.stage',
    });
  return value as string;
}

function threshold(metric: unknown): MetricThreshold {
  if (typeof metric !== 'object' || metric === null)
    refuse('options.metric must be { key, op, value }', { argument: 'options.metric' });
  const { key, op, value } = metric as MetricThreshold;
  validateName(key, 'options.metric.key');
  if (!OPERATORS.has(op))
    refuse(`options.metric.op must be one of ${[...OPERATORS].join(' ')}, got ${JSON.stringify(op)}`, {
      argument: 'options.metric.op',
    });
  validateNumber(value, 'options.metric.value');
  return { key, op, value };
}

function limitOf(page: SearchModelsOptions['page']): number {
  return positiveInteger(page?.limit ?? 100, 'options.page.limit', 1000);
}

/** Versions by name prefix, stage, alias, tags and metric threshold; newest first. */
export function searchVersions(context: RegistryContext, options: SearchVersionsOptions = {}) {
  checkOptions(options);
  const conditions: Conditions = { where: [], params: [] };
  namePrefix(conditions, options.namePrefix);
  if (options.stage !== undefined) {
    conditions.where.push('v.stage = ?');
    conditions.params.push(stage(options.stage));
  }
  if (options.alias !== undefined) {
    conditions.where.push('EXISTS (SELECT 1 FROM aliases a WHERE a.version_id = v.id AND a.alias = ?)');
    conditions.params.push(validateName(options.alias, 'options.alias'));
  }
  for (const [key, value] of Object.entries(validateTags(options.tags, 'options.tags'))) {
    conditions.where.push(
      'EXISTS (SELECT 1 FROM version_tags t WHERE t.version_id = v.id AND t.key = ? AND t.value = ?)',
    );
    conditions.params.push(key, value);
  }
  if (options.metric !== undefined) {
    const { key, op, value } = threshold(options.metric);
    conditions.where.push(
      `EXISTS (SELECT 1 FROM version_metrics x WHERE x.version_id = v.id AND x.key = ? AND x.value ${op} ?)`,
    );
    conditions.params.push(key, value);
  }
  const before = decodeCursor(options.page?.cursor, 'versions', 'options.page.cursor');
  if (before !== undefined) {
    conditions.where.push('v.id < ?');
    conditions.params.push(before);
  }
  const limit = limitOf(options.page);
  const rows = context.db
    .prepare(
      `${VERSION_SELECT}${conditions.where.length ? ` WHERE ${conditions.where.join(' AND ')}` : ''} ORDER BY v.id DESC LIMIT ?`,
    )
    .all(...conditions.params, limit + 1) as VersionRow[];
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => toVersionInfo(row)),
    nextCursor:
      rows.length > limit ? encodeCursor('versions', (page[page.length - 1] as VersionRow).id) : undefined,
  };
}

/** Models by name prefix, model tags, and having a version in a stage, an alias, or a metric over a threshold; by name. */
export function searchModels(context: RegistryContext, options: SearchModelsOptions = {}): Page<ModelInfo> {
  checkOptions(options);
  const conditions: Conditions = { where: [], params: [] };
  namePrefix(conditions, options.namePrefix);
  for (const [key, value] of Object.entries(validateTags(options.tags, 'options.tags'))) {
    conditions.where.push(
      'EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = m.id AND t.key = ? AND t.value = ?)',
    );
    conditions.params.push(key, value);
  }
  if (options.stage !== undefined) {
    conditions.where.push('EXISTS (SELECT 1 FROM versions v WHERE v.model_id = m.id AND v.stage = ?)');
    conditions.params.push(stage(options.stage));
  }
  if (options.alias !== undefined) {
    conditions.where.push('EXISTS (SELECT 1 FROM aliases a WHERE a.model_id = m.id AND a.alias = ?)');
    conditions.params.push(validateName(options.alias, 'options.alias'));
  }
  if (options.metric !== undefined) {
    const { key, op, value } = threshold(options.metric);
    conditions.where.push(
      `EXISTS (SELECT 1 FROM versions v JOIN version_metrics x ON x.version_id = v.id WHERE v.model_id = m.id AND x.key = ? AND x.value ${op} ?)`,
    );
    conditions.params.push(key, value);
  }
  const after = decodeCursor(options.page?.cursor, 'models', 'options.page.cursor');
  if (after !== undefined) {
    conditions.where.push('m.name > ?');
    conditions.params.push(String(after));
  }
  const limit = limitOf(options.page);
  const rows = context.db
    .prepare(
      `SELECT m.* FROM models m${conditions.where.length ? ` WHERE ${conditions.where.join(' AND ')}` : ''} ORDER BY m.name LIMIT ?`,
    )
    .all(...conditions.params, limit + 1) as ModelRow[];
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => toModelInfo(context, row)),
    nextCursor:
      rows.length > limit ? encodeCursor('models', (page[page.length - 1] as ModelRow).name) : undefined,
  };
}
