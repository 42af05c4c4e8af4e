import { setImmediate as nextTurn } from 'node:timers/promises';
import { AbortError, InvalidInputError } from '@toolbox/contracts';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from './context.js';
import type { JobWork } from './jobs.js';
import { rowWidth } from './predictions.js';
import { BEARER, ERRORS, NAME, PROBLEM, VERSION } from './schemas.js';

/** Rows a batch-predict job predicts between progress updates (and cancellation checks). */
const PREDICT_SLICE_ROWS = 1024;

interface PredictJob {
  kind: 'predict';
  model: string;
  version?: string;
  alias?: string;
  rows: number[][];
  probabilities?: boolean;
}

interface MapJob {
  kind: 'map';
  task: string;
  items: unknown[];
  retries?: number;
  itemTimeoutMs?: number;
}

const JOB_VIEW = {
  type: 'object',
  required: ['id', 'kind', 'status', 'progress', 'createdAt'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] },
    progress: {
      type: 'object',
      properties: { done: { type: 'integer' }, total: { type: 'integer' } },
    },
    createdAt: { type: 'string' },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
    result: {},
    error: PROBLEM,
  },
} as const;

const ID_PARAMS = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
  additionalProperties: false,
} as const;

function predictWork(context: ServerContext, job: PredictJob): JobWork {
  rowWidth(job.rows);
  if (job.version !== undefined && job.alias !== undefined) {
    throw new InvalidInputError('give version or alias, not both', { details: { argument: 'version' } });
  }
  // Resolved now, so that the whole job uses one version even if an alias moves meanwhile.
  const version = context.registry.resolve(job.model, job.version ?? job.alias ?? 'production').version;
  return async (signal, onProgress) => {
    const predictions: number[] = [];
    const probabilities: number[][] = [];
    let classes: number[] | undefined;
    for (let start = 0; start < job.rows.length; start += PREDICT_SLICE_ROWS) {
      if (signal.aborted) throw signal.reason ?? new AbortError('the job was cancelled');
      const slice = await context.predictions.predict(job.model, version, {
        rows: job.rows.slice(start, start + PREDICT_SLICE_ROWS),
        probabilities: job.probabilities === true,
      });
      predictions.push(...slice.predictions);
      if (slice.probabilities) probabilities.push(...slice.probabilities);
      classes = slice.classes;
      onProgress(start + slice.predictions.length);
      await nextTurn();
    }
    return {
      model: job.model,
      version,
      predictions,
      ...(job.probabilities === true && classes !== undefined ? { probabilities, classes } : {}),
    };
  };
}

function mapWork(context: ServerContext, job: MapJob): JobWork {
  const task = context.tasks.get(job.task);
  if (task === undefined) {
    throw new InvalidInputError(
      `task ${JSON.stringify(job.task)} is not registered; registered: ${[...context.tasks.keys()].join(', ') || 'none'}`,
      { details: { argument: 'task' } },
    );
  }
  return async (signal, onProgress) => ({
    results: await context.toolbox.map(task, job.items, {
      signal,
      onProgress: (done) => onProgress(done),
      retries: job.retries,
      itemTimeoutMs: job.itemTimeoutMs,
    }),
  });
}

export function jobRoutes(app: FastifyInstance, context: ServerContext): void {
  const requireJobs = context.requireScope('jobs');

  app.post<{ Body: PredictJob | MapJob }>(
    '/v1/jobs',
    {
      preHandler: requireJobs,
      schema: {
        summary:
          'Start a batch job: batch predict with a registered model, or map a registered task over items',
        tags: ['jobs'],
        security: BEARER,
        body: {
          oneOf: [
            {
              type: 'object',
              required: ['kind', 'model', 'rows'],
              properties: {
                kind: { const: 'predict' },
                model: NAME,
                version: VERSION,
                alias: NAME,
                rows: {
                  type: 'array',
                  minItems: 1,
                  maxItems: context.maxItemsPerJob,
                  items: { type: 'array', minItems: 1, items: { type: 'number' } },
                },
                probabilities: { type: 'boolean' },
              },
              additionalProperties: false,
            },
            {
              type: 'object',
              required: ['kind', 'task', 'items'],
              properties: {
                kind: { const: 'map' },
                task: NAME,
                items: { type: 'array', minItems: 1, maxItems: context.maxItemsPerJob },
                retries: { type: 'integer', minimum: 0, maximum: 10 },
                itemTimeoutMs: { type: 'integer', minimum: 1 },
              },
              additionalProperties: false,
            },
          ],
        },
        response: { 202: JOB_VIEW, ...ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const view =
        body.kind === 'predict'
          ? context.jobs.submit('predict', body.rows.length, predictWork(context, body))
          : context.jobs.submit('map', body.items.length, mapWork(context, body));
      return reply.status(202).header('location', `/v1/jobs/${view.id}`).send(view);
    },
  );

  app.get(
    '/v1/jobs',
    {
      schema: {
        summary: 'Recent jobs, newest first (without results)',
        tags: ['jobs'],
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: JOB_VIEW } } },
          ...ERRORS,
        },
      },
    },
    async () => ({ items: context.jobs.list() }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    {
      schema: {
        summary: 'A job: status, progress, and its result or error once finished',
        tags: ['jobs'],
        params: ID_PARAMS,
        response: { 200: JOB_VIEW, ...ERRORS },
      },
    },
    async (request) => context.jobs.get(request.params.id),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    {
      preHandler: requireJobs,
      schema: {
        summary: 'Cancel a queued or running job',
        tags: ['jobs'],
        security: BEARER,
        params: ID_PARAMS,
        response: { 202: JOB_VIEW, ...ERRORS },
      },
    },
    async (request, reply) => reply.status(202).send(context.jobs.cancel(request.params.id)),
  );
}
