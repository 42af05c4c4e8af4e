import { availableParallelism } from 'node:os';
import swagger from '@fastify/swagger';
import { InvalidInputError } from '@toolbox/contracts';
import { builtModule, type Toolbox } from '@toolbox/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAuthorizer } from './auth.js';
import type { ServerContext } from './context.js';
import { DrainingError, NotFoundError, toProblem } from './errors.js';
import { jobRoutes } from './job-routes.js';
import { JobRunner } from './jobs.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { predictRoutes } from './predict-routes.js';
import { PredictionService } from './predictions.js';
import { registryRoutes } from './registry-routes.js';
import { systemRoutes } from './system-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests received and responses sent in full since start (equal once drained). */
    readonly requestCounters: { readonly received: number; readonly answered: number };
  }
}

/**
 * The HTTP API over a toolbox (which must have a registry): predictions, batch jobs,
 * registry operations, metrics, health and the OpenAPI document. Returns the Fastify
 * instance, not yet listening: `await server.listen({ port, host: '127.0.0.1' })`.
 * `server.close()` drains: new requests get 503, in-flight requests and jobs finish
 * (up to `shutdownTimeoutMs`), then batchers stop. The toolbox stays the caller's to dispose.
 */
export function createServer(toolbox: Toolbox, options: ServerOptions = {}): FastifyInstance {
  if (toolbox?.registry === undefined) {
    throw new InvalidInputError('toolbox must have a registry: createToolbox({ registry: { dir } })', {
      details: { argument: 'toolbox' },
    });
  }
  const resolved = resolveOptions(options);
  const authorizer = createAuthorizer(resolved.tokens);
  const app = Fastify({
    bodyLimit: resolved.bodyLimitBytes,
    return503OnClosing: false,
    // Names may be 128 characters; longer parameters are still answered (by the schema) with 400.
    routerOptions: { maxParamLength: 512 },
    logger: resolved.logger ? { level: 'info', redact: ['req.headers.authorization'] } : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  let warm = false;
  let draining = false;
  const context: ServerContext = {
    toolbox,
    registry: toolbox.registry,
    predictions: new PredictionService(toolbox, resolved.batching, resolved.maxLoadedModels),
    jobs: new JobRunner(resolved),
    tasks: resolved.tasks,
    maxRowsPerRequest: resolved.maxRowsPerRequest,
    maxItemsPerJob: resolved.maxItemsPerJob,
    routingKeyHeader: resolved.routingKeyHeader,
    requireScope: (scope) => async (request) => authorizer.check(request.headers.authorization, scope),
    counters: { received: 0, answered: 0 },
    isReady: () => warm && !draining,
  };

  app.setErrorHandler((error, request, reply) => {
    const problem = { ...toProblem(error), instance: request.url };
    if (problem.status >= 500 && problem.code !== 'DRAINING')
      request.log.error({ err: error }, 'request failed');
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    if (problem.code === 'DRAINING') reply.header('connection', 'close');
    return reply.status(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler((request) => {
    throw new NotFoundError(`no route ${request.method} ${request.url.split('?')[0]}`);
  });
  app.decorate('requestCounters', context.counters);
  app.addHook('onRequest', async () => {
    context.counters.received++;
    if (draining) throw new DrainingError('the server is shutting down');
  });
  app.addHook('onResponse', async (request, reply) => {
    context.counters.answered++;
    toolbox.monitor.metrics.observe({
      name: 'http_request',
      durationMs: reply.elapsedTime,
      ok: reply.statusCode < 500,
      labels: {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
    });
  });
  app.addHook('onReady', async () => {
    // Not awaited: the server listens at once; `/ready` says when the workers are up.
    const workers = Math.max(1, Math.min(toolbox.getSystemStatus().usableCores, availableParallelism()));
    toolbox
      .map(
        { module: builtModule(import.meta.url, 'warm-worker.js'), export: 'ping' },
        Array.from({ length: workers }, (_, index) => index),
        { plan: { mode: 'threads', workers, chunkSize: 1 } },
      )
      .then(
        () => {
          warm = true;
        },
        (error: unknown) => app.log.error({ err: error }, 'warming the workers failed'),
      );
  });
  let forceClose: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    draining = true;
    forceClose = setTimeout(() => app.server.closeAllConnections(), resolved.shutdownTimeoutMs);
    forceClose.unref();
  });
  app.addHook('onClose', async () => {
    await context.jobs.drain(resolved.shutdownTimeoutMs);
    await context.predictions.dispose();
    clearTimeout(forceClose);
  });

  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Toolbox server',
        version: '1',
        description:
          'Predictions from the model registry (batched), batch jobs, registry operations, metrics. Errors are application/problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  app.register(async (routes) => {
    predictRoutes(routes, context);
    jobRoutes(routes, context);
    registryRoutes(routes, context);
    systemRoutes(routes, context, () => draining);
  });
  return app;
}
