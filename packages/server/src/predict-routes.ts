import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '@toolbox/contracts';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from './context.js';
import { BEARER, ERRORS, NAME, NAME_PARAMS, VERSION } from './schemas.js';

/** The model tag that holds an A/B split: JSON of alias -> weight. */
export const AB_TAG = 'toolbox.ab';

interface PredictBody {
  rows: number[][];
  probabilities?: boolean;
}

interface PredictQuery {
  version?: string;
  alias?: string;
}

type Split = Record<string, number>;

function splitOf(context: ServerContext, name: string): Split | undefined {
  const tag = context.registry.getModel(name).tags[AB_TAG];
  return tag === undefined ? undefined : (JSON.parse(tag) as Split);
}

export function predictRoutes(app: FastifyInstance, context: ServerContext): void {
  const rows = {
    type: 'array',
    minItems: 1,
    maxItems: context.maxRowsPerRequest,
    items: { type: 'array', minItems: 1, maxItems: 100_000, items: { type: 'number' } },
  } as const;

  app.post<{ Params: { name: string }; Querystring: PredictQuery; Body: PredictBody }>(
    '/v1/models/:name/predict',
    {
      schema: {
        summary: 'Predict with a registered model',
        description:
          'Rows in, predictions out. Answers from `?version=`, `?alias=`, else the A/B split when one is set (keyed by the routing-key header), else the production stage. Concurrent requests are batched.',
        tags: ['predictions'],
        params: NAME_PARAMS,
        querystring: {
          type: 'object',
          properties: { version: VERSION, alias: NAME },
          additionalProperties: false,
        },
        body: {
          type: 'object',
          required: ['rows'],
          properties: { rows, probabilities: { type: 'boolean', default: false } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            required: ['model', 'version', 'stage', 'predictions'],
            properties: {
              model: { type: 'string' },
              version: { type: 'string' },
              stage: { type: 'string' },
              variant: { type: 'string', description: 'The A/B variant (alias) that answered' },
              predictions: { type: 'array', items: { type: 'number' } },
              probabilities: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
              classes: { type: 'array', items: { type: 'number' } },
            },
          },
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const { version, alias } = request.query;
      if (version !== undefined && alias !== undefined) {
        throw new InvalidInputError('give ?version= or ?alias=, not both', {
          details: { argument: 'query' },
        });
      }
      let reference = version ?? alias ?? 'production';
      let variant: string | undefined;
      const split = version === undefined && alias === undefined ? splitOf(context, name) : undefined;
      if (split !== undefined) {
        const header = request.headers[context.routingKeyHeader];
        const key = typeof header === 'string' && header !== '' ? header : randomUUID();
        const routed = context.registry.route(name, key, { aliases: split });
        reference = routed.version;
        variant = routed.variant;
        reply.header('x-toolbox-variant', variant);
      }
      const prediction = await context.predictions.predict(name, reference, {
        rows: request.body.rows,
        probabilities: request.body.probabilities === true,
      });
      reply.header('x-toolbox-model-version', prediction.version.version);
      return {
        model: name,
        version: prediction.version.version,
        stage: prediction.version.stage,
        variant,
        predictions: prediction.predictions,
        probabilities: prediction.probabilities,
        classes: prediction.classes,
      };
    },
  );

  const abResponse = {
    type: 'object',
    properties: {
      aliases: { type: 'object', additionalProperties: { type: 'number' } },
      stats: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            variant: { type: 'string' },
            routed: { type: 'integer' },
            outcomes: { type: 'object', additionalProperties: true },
          },
        },
      },
    },
  } as const;

  app.get<{ Params: { name: string } }>(
    '/v1/models/:name/ab',
    {
      schema: {
        summary: "The model's A/B split and per-variant counts",
        tags: ['predictions'],
        params: NAME_PARAMS,
        response: { 200: abResponse, ...ERRORS },
      },
    },
    async (request) => ({
      aliases: splitOf(context, request.params.name) ?? {},
      stats: context.registry.abStats(request.params.name),
    }),
  );

  app.put<{ Params: { name: string }; Body: { aliases: Split } }>(
    '/v1/models/:name/ab',
    {
      preHandler: context.requireScope('registry'),
      schema: {
        summary: 'Set an A/B split: alias -> relative weight',
        tags: ['predictions'],
        security: BEARER,
        params: NAME_PARAMS,
        body: {
          type: 'object',
          required: ['aliases'],
          properties: {
            aliases: {
              type: 'object',
              minProperties: 1,
              maxProperties: 16,
              propertyNames: NAME,
              additionalProperties: { type: 'number', minimum: 0 },
            },
          },
          additionalProperties: false,
        },
        response: { 200: abResponse, ...ERRORS },
      },
    },
    async (request) => {
      const { name } = request.params;
      const { aliases } = request.body;
      for (const alias of Object.keys(aliases)) context.registry.resolve(name, alias);
      if (!Object.values(aliases).some((weight) => weight > 0)) {
        throw new InvalidInputError('aliases must give at least one variant a weight above 0', {
          details: { argument: 'aliases' },
        });
      }
      context.registry.setTag(name, AB_TAG, JSON.stringify(aliases));
      return { aliases, stats: context.registry.abStats(name) };
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/v1/models/:name/ab',
    {
      preHandler: context.requireScope('registry'),
      schema: {
        summary: 'Remove the A/B split (predictions go to production again)',
        tags: ['predictions'],
        security: BEARER,
        params: NAME_PARAMS,
        response: { 204: { type: 'null' }, ...ERRORS },
      },
    },
    async (request, reply) => {
      context.registry.setTag(request.params.name, AB_TAG, undefined);
      return reply.status(204).send();
    },
  );
}
