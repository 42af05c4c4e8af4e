import type { Stage } from '@toolbox/core';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from './context.js';
import {
  BEARER,
  ERRORS,
  MODEL_INFO,
  NAME,
  NAME_PARAMS,
  REASON,
  STAGE,
  VERSION,
  VERSION_INFO,
} from './schemas.js';

const page = (items: object) =>
  ({
    type: 'object',
    properties: { items: { type: 'array', items }, nextCursor: { type: 'string' } },
  }) as const;

export function registryRoutes(app: FastifyInstance, context: ServerContext): void {
  const { registry } = context;
  const requireRegistry = context.requireScope('registry');

  app.get<{ Querystring: { prefix?: string; stage?: Stage; limit?: number; cursor?: string } }>(
    '/v1/models',
    {
      schema: {
        summary: 'Registered models, by name',
        tags: ['registry'],
        querystring: {
          type: 'object',
          properties: {
            prefix: { type: 'string', maxLength: 128 },
            stage: STAGE,
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            cursor: { type: 'string', maxLength: 512 },
          },
          additionalProperties: false,
        },
        response: { 200: page(MODEL_INFO), ...ERRORS },
      },
    },
    async (request) => {
      const { prefix, stage, limit, cursor } = request.query;
      return registry.searchModels({ namePrefix: prefix, stage, page: { limit, cursor } });
    },
  );

  app.get<{ Params: { name: string } }>(
    '/v1/models/:name',
    {
      schema: {
        summary: 'One model',
        tags: ['registry'],
        params: NAME_PARAMS,
        response: { 200: MODEL_INFO, ...ERRORS },
      },
    },
    async (request) => registry.getModel(request.params.name),
  );

  app.get<{ Params: { name: string } }>(
    '/v1/models/:name/versions',
    {
      schema: {
        summary: "A model's versions, oldest first",
        tags: ['registry'],
        params: NAME_PARAMS,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: VERSION_INFO } } },
          ...ERRORS,
        },
      },
    },
    async (request) => ({ items: registry.listVersions(request.params.name) }),
  );

  app.post<{ Params: { name: string }; Body: { version: string; stage?: Stage; reason?: string } }>(
    '/v1/models/:name/promote',
    {
      preHandler: requireRegistry,
      schema: {
        summary: 'Move a version to a stage (default production, archiving the previous production version)',
        description: 'Invalid transitions (e.g. development straight to production) are 409.',
        tags: ['registry'],
        security: BEARER,
        params: NAME_PARAMS,
        body: {
          type: 'object',
          required: ['version'],
          properties: { version: VERSION, stage: STAGE, reason: REASON },
          additionalProperties: false,
        },
        response: { 200: VERSION_INFO, ...ERRORS },
      },
    },
    async (request) => {
      const { version, stage = 'production', reason } = request.body;
      return registry.transition(request.params.name, version, stage, { reason });
    },
  );

  app.post<{ Params: { name: string }; Body: { reason?: string } }>(
    '/v1/models/:name/rollback',
    {
      preHandler: requireRegistry,
      schema: {
        summary: 'Put the previous production version back in production',
        tags: ['registry'],
        security: BEARER,
        params: NAME_PARAMS,
        body: { type: 'object', properties: { reason: REASON }, additionalProperties: false },
        response: { 200: VERSION_INFO, ...ERRORS },
      },
    },
    async (request) => registry.rollback(request.params.name, { reason: request.body?.reason }),
  );

  const aliasParams = {
    type: 'object',
    required: ['name', 'alias'],
    properties: { name: NAME, alias: NAME },
    additionalProperties: false,
  } as const;

  app.put<{ Params: { name: string; alias: string }; Body: { version: string } }>(
    '/v1/models/:name/aliases/:alias',
    {
      preHandler: requireRegistry,
      schema: {
        summary: 'Point an alias at a version (created or moved atomically)',
        tags: ['registry'],
        security: BEARER,
        params: aliasParams,
        body: {
          type: 'object',
          required: ['version'],
          properties: { version: VERSION },
          additionalProperties: false,
        },
        response: { 200: VERSION_INFO, ...ERRORS },
      },
    },
    async (request) => registry.setAlias(request.params.name, request.params.alias, request.body.version),
  );

  app.delete<{ Params: { name: string; alias: string } }>(
    '/v1/models/:name/aliases/:alias',
    {
      preHandler: requireRegistry,
      schema: {
        summary: 'Remove an alias',
        tags: ['registry'],
        security: BEARER,
        params: aliasParams,
        response: { 204: { type: 'null' }, ...ERRORS },
      },
    },
    async (request, reply) => {
      registry.getModel(request.params.name);
      registry.deleteAlias(request.params.name, request.params.alias);
      return reply.status(204).send();
    },
  );
}
