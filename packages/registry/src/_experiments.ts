import { randomUUID } from 'node:crypto';
import { type RegistryContext, stageArtifact } from './_context.js';
import { decodeCursor, encodeCursor } from './_cursor.js';
import { compileRunFilter, compileRunOrder, parseFilter } from './_filter.js';
import { parseMetrics } from './_rows.js';
import {
  MAX_VALUE_CHARS,
  optionalText,
  positiveInteger,
  refuse,
  validateMetrics,
  validateNumber,
  validateParams,
  validateTags,
} from './_validate.js';
import { validateName } from './names.js';
import type {
  ExperimentInfo,
  Experiments,
  MetricPoint,
  Page,
  RunInfo,
  RunStatus,
  SearchRunsOptions,
  StartRunOptions,
} from './types.js';

const RUN_ID_PATTERN = /^[0-9a-f]{32}$/;
const END_STATUSES: readonly RunStatus[] = ['finished', 'failed', 'killed'];

interface RunRow {
  id: string;
  experiment: string;
  name: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  params_json: string;
  tags_json: string;
  metrics_json: string;
  artifacts_json: string;
}

/** One run with params, tags, latest metrics and artifacts folded in as JSON: one query per run. */
const RUN_SELECT = `SELECT r.id, e.name AS experiment, r.name, r.status, r.start_time, r.end_time,
  (SELECT json_group_object(key, value) FROM run_params WHERE run_id = r.id) AS params_json,
  (SELECT json_group_object(key, value) FROM run_tags WHERE run_id = r.id) AS tags_json,
  (SELECT json_group_object(key, printf('%!.17g', value)) FROM run_latest_metrics WHERE run_id = r.id) AS metrics_json,
  (SELECT json_group_array(json_array(name, sha256, size)) FROM run_artifacts WHERE run_id = r.id) AS artifacts_json
  FROM runs r JOIN experiments e ON e.id = r.experiment_id`;

function experimentRow(
  context: RegistryContext,
  name: unknown,
): { id: number; name: string; description: string; tags: string; created_at: number } {
  const checked = validateName(name, 'experiment');
  return (
    (context.statement('SELECT * FROM experiments WHERE name = ?').get(checked) as
      | ReturnType<typeof experimentRow>
      | undefined) ??
    refuse(`experiment ${JSON.stringify(checked)} does not exist; create it with createExperiment()`, {
      experiment: checked,
    })
  );
}

function toExperimentInfo(row: ReturnType<typeof experimentRow>): ExperimentInfo {
  return {
    name: row.name,
    description: row.description,
    tags: JSON.parse(row.tags) as Record<string, string>,
    createdAt: row.created_at,
  };
}

function runRow(context: RegistryContext, runId: unknown): RunRow {
  if (typeof runId !== 'string' || !RUN_ID_PATTERN.test(runId))
    refuse(`runId must be a run id (32 hex characters), got ${JSON.stringify(String(runId).slice(0, 64))}`, {
      argument: 'runId',
    });
  return (
    (context.statement(`${RUN_SELECT} WHERE r.id = ?`).get(runId) as RunRow | undefined) ??
    refuse(`run ${runId} does not exist`, { runId })
  );
}

function activeRun(context: RegistryContext, runId: unknown): RunRow {
  const row = runRow(context, runId);
  if (row.status !== 'running')
    refuse(`run ${row.id} has ended (${row.status}); start a new run to log more`, { runId: row.id });
  return row;
}

export function toRunInfo(row: RunRow): RunInfo {
  return {
    id: row.id,
    experiment: row.experiment,
    name: row.name,
    status: row.status,
    startTime: row.start_time,
    endTime: row.end_time ?? undefined,
    params: JSON.parse(row.params_json) as Record<string, string>,
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    metrics: parseMetrics(row.metrics_json),
    artifacts: (JSON.parse(row.artifacts_json) as [string, string, number][]).map(
      ([name, sha256, sizeBytes]) => ({ name, sha256, sizeBytes }),
    ),
  };
}

export function findRun(context: RegistryContext, runId: string): RunInfo | undefined {
  const row = RUN_ID_PATTERN.test(runId)
    ? (context.statement(`${RUN_SELECT} WHERE r.id = ?`).get(runId) as RunRow | undefined)
    : undefined;
  return row ? toRunInfo(row) : undefined;
}

function insertParams(context: RegistryContext, runId: string, params: Record<string, string>): void {
  for (const [key, value] of Object.entries(params)) {
    context
      .statement(
        'INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value',
      )
      .run(runId, key, value);
  }
}

function insertTags(context: RegistryContext, runId: string, tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    context
      .statement(
        'INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value',
      )
      .run(runId, key, value);
  }
}

function insertMetric(
  context: RegistryContext,
  runId: string,
  key: string,
  value: number,
  step: number,
  timestamp: number,
): void {
  context
    .statement('INSERT INTO run_metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)')
    .run(runId, key, value, step, timestamp);
  context
    .statement(
      `INSERT INTO run_latest_metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, step = excluded.step, timestamp = excluded.timestamp
       WHERE excluded.step > run_latest_metrics.step OR (excluded.step = run_latest_metrics.step AND excluded.timestamp >= run_latest_metrics.timestamp)`,
    )
    .run(runId, key, value, step, timestamp);
}

function checkStep(step: unknown): number {
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0)
    refuse(`step must be a non-negative integer, got ${String(step)}`, { argument: 'step' });
  return step;
}

export function createExperimentsApi(context: RegistryContext): Experiments {
  return {
    createExperiment(
      name: unknown,
      options: { description?: string; tags?: Record<string, string> } = {},
    ): ExperimentInfo {
      const checked = validateName(name, 'name');
      const description = optionalText(options.description, 'options.description') ?? '';
      const tags = validateTags(options.tags, 'options.tags');
      context.write(() => {
        if (context.statement('SELECT 1 FROM experiments WHERE name = ?').get(checked))
          refuse(`experiment ${JSON.stringify(checked)} already exists`, { experiment: checked });
        context
          .statement('INSERT INTO experiments (name, description, tags, created_at) VALUES (?, ?, ?, ?)')
          .run(checked, description, JSON.stringify(tags), Date.now());
      });
      return toExperimentInfo(experimentRow(context, checked));
    },

    getExperiment(name: unknown): ExperimentInfo {
      return toExperimentInfo(experimentRow(context, name));
    },

    listExperiments(): ExperimentInfo[] {
      return (
        context.statement('SELECT * FROM experiments ORDER BY name').all() as ReturnType<
          typeof experimentRow
        >[]
      ).map(toExperimentInfo);
    },

    startRun(experiment: unknown, options: StartRunOptions = {}): RunInfo {
      const row = experimentRow(context, experiment);
      const params = validateParams(options.params, 'options.params');
      const tags = validateTags(options.tags, 'options.tags');
      const id = randomUUID().replaceAll('-', '');
      const name = options.name === undefined ? id.slice(0, 8) : validateName(options.name, 'options.name');
      context.write(() => {
        context
          .statement(
            "INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES (?, ?, ?, 'running', ?)",
          )
          .run(id, row.id, name, Date.now());
        insertParams(context, id, params);
        insertTags(context, id, tags);
      });
      return toRunInfo(runRow(context, id));
    },

    logParams(runId: unknown, params: Record<string, string | number | boolean>): void {
      const checked = validateParams(params, 'params');
      context.write(() => insertParams(context, activeRun(context, runId).id, checked));
    },

    setRunTag(runId: unknown, key: unknown, value: unknown): void {
      const tags = { [validateName(key, 'key')]: optionalText(value, 'value', MAX_VALUE_CHARS) ?? '' };
      context.write(() => insertTags(context, runRow(context, runId).id, tags));
    },

    logMetric(
      runId: unknown,
      key: unknown,
      value: unknown,
      step: unknown = 0,
      options: { timestampMs?: number } = {},
    ): void {
      const checkedKey = validateName(key, 'key');
      const number = validateNumber(value, 'value');
      const checkedStep = checkStep(step);
      const timestamp =
        options.timestampMs === undefined
          ? Date.now()
          : validateNumber(options.timestampMs, 'options.timestampMs');
      context.write(() =>
        insertMetric(context, activeRun(context, runId).id, checkedKey, number, checkedStep, timestamp),
      );
    },

    /** Several metrics at one step in one transaction. */
    logMetrics(runId: unknown, metrics: Record<string, number>, step: unknown = 0): void {
      const checked = validateMetrics(metrics, 'metrics');
      const checkedStep = checkStep(step);
      const timestamp = Date.now();
      context.write(() => {
        const id = activeRun(context, runId).id;
        for (const [key, value] of Object.entries(checked))
          insertMetric(context, id, key, value, checkedStep, timestamp);
      });
    },

    metricHistory(runId: unknown, key: unknown): MetricPoint[] {
      const id = runRow(context, runId).id;
      return context
        .statement(
          'SELECT value, step, timestamp FROM run_metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp, rowid',
        )
        .all(id, validateName(key, 'key')) as MetricPoint[];
    },

    logArtifact(runId: unknown, name: unknown, artifact: unknown): { sha256: string; sizeBytes: number } {
      const checkedName = validateName(name, 'name');
      activeRun(context, runId);
      const { staged, mediaType } = stageArtifact(context, artifact, 'artifact');
      let committed = false;
      try {
        context.write(() => {
          const id = activeRun(context, runId).id;
          context.store.commit(staged);
          committed = true;
          context
            .statement(
              `INSERT INTO run_artifacts (run_id, name, sha256, size, media_type, created_at) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (run_id, name) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, media_type = excluded.media_type, created_at = excluded.created_at`,
            )
            .run(id, checkedName, staged.sha256, staged.sizeBytes, mediaType, Date.now());
        });
      } finally {
        if (!committed) context.store.discard(staged);
      }
      return { sha256: staged.sha256, sizeBytes: staged.sizeBytes };
    },

    loadRunArtifact(runId: unknown, name: unknown): Uint8Array {
      const id = runRow(context, runId).id;
      const row = context
        .statement('SELECT sha256, size FROM run_artifacts WHERE run_id = ? AND name = ?')
        .get(id, validateName(name, 'name')) as { sha256: string; size: number } | undefined;
      if (!row) refuse(`run ${id} has no artifact ${JSON.stringify(name)}`, { runId: id });
      return context.store.read(row.sha256, row.size);
    },

    endRun(runId: unknown, status: RunStatus = 'finished'): RunInfo {
      if (!END_STATUSES.includes(status))
        refuse(`status must be one of ${END_STATUSES.join(', ')}, got ${JSON.stringify(status)}`, {
          argument: 'status',
        });
      context.write(() => {
        const row = activeRun(context, runId);
        context
          .statement('UPDATE runs SET status = ?, end_time = ? WHERE id = ?')
          .run(status, Date.now(), row.id);
      });
      return toRunInfo(runRow(context, runId));
    },

    getRun(runId: unknown): RunInfo {
      return toRunInfo(runRow(context, runId));
    },

    searchRuns(options: SearchRunsOptions = {}): Page<RunInfo> {
      if (typeof options !== 'object' || options === null) refuse('options must be an object', {});
      const tree = parseFilter(options.filter, 'options.filter');
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (options.experiments !== undefined) {
        if (
          !Array.isArray(options.experiments) ||
          options.experiments.length === 0 ||
          options.experiments.length > 100
        ) {
          refuse('options.experiments must be a non-empty array of at most 100 experiment names', {
            argument: 'options.experiments',
          });
        }
        where.push(`e.name IN (${options.experiments.map(() => '?').join(', ')})`);
        params.push(...options.experiments.map((name) => validateName(name, 'options.experiments entry')));
      }
      if (tree) {
        const compiled = compileRunFilter(tree, 'options.filter');
        where.push(compiled.sql);
        params.push(...compiled.params);
      }
      const order = compileRunOrder(options.orderBy, 'options.orderBy');
      const limit = positiveInteger(options.page?.limit ?? 100, 'options.page.limit', 1000);
      const offset =
        (decodeCursor(options.page?.cursor, 'runs', 'options.page.cursor') as number | undefined) ?? 0;
      if (typeof offset !== 'number')
        refuse('options.page.cursor is not a cursor returned by searchRuns', {});
      // Dynamic SQL is prepared per call (not cached): every filter shape would be a new statement.
      const rows = context.db
        .prepare(
          `${RUN_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
        )
        .all(...params, ...order.params, limit + 1, offset) as RunRow[];
      const more = rows.length > limit;
      return {
        items: rows.slice(0, limit).map((row) => toRunInfo(row)),
        nextCursor: more ? encodeCursor('runs', offset + limit) : undefined,
      };
    },
  };
}
