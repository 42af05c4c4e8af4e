import semver from 'semver';
import type { RegistryContext } from './_context.js';
import {
  type ModelRow,
  RESERVED_REFERENCES,
  requireModel,
  requireVersion,
  STAGES,
  toVersionInfo,
  type VersionRow,
} from './_rows.js';
import { optionalText, refuse } from './_validate.js';
import { validateName } from './names.js';
import type { Stage, TransitionOptions, TransitionRecord, VersionInfo } from './types.js';

/** Allowed moves. Production is left only through archiving or `rollback()`. */
const ALLOWED: Record<Stage, readonly Stage[]> = {
  development: ['staging', 'archived'],
  staging: ['production', 'development', 'archived'],
  production: ['archived'],
  archived: ['development', 'staging'],
};

type Kind = TransitionRecord['kind'];

function move(
  context: RegistryContext,
  model: ModelRow,
  row: VersionRow,
  to: Stage,
  kind: Kind,
  reason: string,
  now: number,
): void {
  context.statement('UPDATE versions SET stage = ?, stage_updated_at = ? WHERE id = ?').run(to, now, row.id);
  context
    .statement(
      'INSERT INTO transitions (model_id, version_id, from_stage, to_stage, kind, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(model.id, row.id, row.stage, to, kind, reason, now);
}

export function transition(
  context: RegistryContext,
  name: unknown,
  reference: unknown,
  stage: unknown,
  options: TransitionOptions = {},
): VersionInfo {
  const model = requireModel(context, name);
  if (!(STAGES as readonly unknown[]).includes(stage))
    refuse(`stage must be one of ${STAGES.join(', ')}, got ${JSON.stringify(stage)}`, { argument: 'stage' });
  const to = stage as Stage;
  const reason = optionalText(options.reason, 'options.reason') ?? '';
  const archivePrevious = options.archivePrevious ?? true;
  const row = context.write(() => {
    const current = requireVersion(context, model, reference);
    if (!ALLOWED[current.stage].includes(to)) {
      refuse(
        `cannot move ${model.name}@${current.version} from ${current.stage} to ${to}; allowed from ${current.stage}: ${ALLOWED[current.stage].join(', ')}`,
        { model: model.name, version: current.version, from: current.stage, to, reason: 'conflict' },
      );
    }
    const now = Date.now();
    if (to === 'production' && archivePrevious) {
      const previous = context
        .statement(
          "SELECT v.*, ? AS model_name FROM versions v WHERE v.model_id = ? AND v.stage = 'production'",
        )
        .all(model.name, model.id) as VersionRow[];
      for (const old of previous)
        move(context, model, old, 'archived', 'archive-previous', `replaced by ${current.version}`, now);
    }
    move(context, model, current, to, 'transition', reason, now);
    return requireVersion(context, model, current.version);
  });
  return toVersionInfo(row);
}

/** Production promotions replayed: a promotion pushes its version, a rollback pops the one rolled back. */
function productionStack(context: RegistryContext, model: ModelRow): number[] {
  const rows = context
    .statement(
      "SELECT version_id, kind FROM transitions WHERE model_id = ? AND to_stage = 'production' ORDER BY id",
    )
    .all(model.id) as { version_id: number; kind: Kind }[];
  const stack: number[] = [];
  for (const row of rows) {
    if (row.kind === 'rollback') {
      stack.pop();
      if (stack[stack.length - 1] !== row.version_id) stack.push(row.version_id);
    } else if (stack[stack.length - 1] !== row.version_id) {
      stack.push(row.version_id);
    }
  }
  return stack;
}

/**
 * Restores the production version that preceded the current one and archives the
 * current one, in one transaction. Repeated rollbacks walk further back.
 */
export function rollback(
  context: RegistryContext,
  name: unknown,
  options: { reason?: string } = {},
): VersionInfo {
  const model = requireModel(context, name);
  const reason = optionalText(options.reason, 'options.reason') ?? '';
  const row = context.write(() => {
    const stack = productionStack(context, model);
    const currentId = stack[stack.length - 1];
    const targetId = stack[stack.length - 2];
    if (currentId === undefined || targetId === undefined) {
      refuse(`model ${JSON.stringify(model.name)} has no previous production version to roll back to`, {
        model: model.name,
        reason: 'conflict',
      });
    }
    const byId = context.statement('SELECT v.*, ? AS model_name FROM versions v WHERE v.id = ?');
    const current = byId.get(model.name, currentId) as VersionRow;
    const target = byId.get(model.name, targetId) as VersionRow;
    const now = Date.now();
    if (current.stage === 'production')
      move(context, model, current, 'archived', 'archive-previous', `rolled back to ${target.version}`, now);
    move(context, model, target, 'production', 'rollback', reason || `rollback from ${current.version}`, now);
    return requireVersion(context, model, target.version);
  });
  return toVersionInfo(row);
}

export function history(context: RegistryContext, name: unknown, reference?: unknown): TransitionRecord[] {
  const model = requireModel(context, name);
  const versionId = reference === undefined ? undefined : requireVersion(context, model, reference).id;
  const rows = context
    .statement(
      `SELECT v.version, t.from_stage, t.to_stage, t.kind, t.reason, t.at FROM transitions t JOIN versions v ON v.id = t.version_id
       WHERE t.model_id = ? AND (? IS NULL OR t.version_id = ?) ORDER BY t.id`,
    )
    .all(model.id, versionId ?? null, versionId ?? null) as {
    version: string;
    from_stage: Stage | null;
    to_stage: Stage;
    kind: Kind;
    reason: string;
    at: number;
  }[];
  return rows.map((row) => ({
    model: model.name,
    version: row.version,
    from: row.from_stage ?? undefined,
    to: row.to_stage,
    kind: row.kind,
    reason: row.reason,
    at: row.at,
  }));
}

export function validateAlias(alias: unknown): string {
  const checked = validateName(alias, 'alias');
  if (RESERVED_REFERENCES.has(checked) || semver.valid(checked)) {
    refuse(
      `alias ${JSON.stringify(checked)} is reserved (stage names, "latest" and version numbers cannot be aliases)`,
      { argument: 'alias' },
    );
  }
  return checked;
}

/** Points `alias` at a version, creating or moving it atomically. */
export function setAlias(
  context: RegistryContext,
  name: unknown,
  alias: unknown,
  reference: unknown,
): VersionInfo {
  const model = requireModel(context, name);
  const checked = validateAlias(alias);
  const row = context.write(() => {
    const target = requireVersion(context, model, reference);
    const now = Date.now();
    context
      .statement(
        'INSERT INTO aliases (model_id, alias, version_id, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id, updated_at = excluded.updated_at',
      )
      .run(model.id, checked, target.id, now);
    context.statement('UPDATE models SET updated_at = ? WHERE id = ?').run(now, model.id);
    return target;
  });
  return toVersionInfo(row);
}

export function deleteAlias(context: RegistryContext, name: unknown, alias: unknown): boolean {
  const model = requireModel(context, name);
  const checked = validateName(alias, 'alias');
  return context.write(
    () =>
      context.statement('DELETE FROM aliases WHERE model_id = ? AND alias = ?').run(model.id, checked)
        .changes > 0,
  );
}
