import type { FastifyInstance } from 'fastify';
import type { ServerContext } from './context.js';

const READINESS = {
  type: 'object',
  properties: {
    ready: { type: 'boolean' },
    checks: {
      type: 'object',
      properties: {
        registry: { type: 'boolean' },
        workers: { type: 'boolean' },
        draining: { type: 'boolean' },
      },
    },
  },
} as const;

/** Gauges of the server itself, appended to the monitor's Prometheus text. */
function serverGauges(context: ServerContext, draining: boolean): string {
  const lines = [
    ['toolbox_server_jobs_active', 'Batch jobs queued or running', context.jobs.active()],
    ['toolbox_server_models_loaded', 'Model versions loaded in memory', context.predictions.loaded().length],
    ['toolbox_server_draining', '1 while shutting down', draining ? 1 : 0],
  ] as const;
  const counters = [
    ['toolbox_server_requests_received_total', 'Requests received', context.counters.received],
    ['toolbox_server_requests_answered_total', 'Responses sent in full', context.counters.answered],
  ] as const;
  return [
    ...lines.map(([name, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`),
    ...counters.map(
      ([name, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name} ${value}\n`,
    ),
  ].join('');
}

export function systemRoutes(app: FastifyInstance, context: ServerContext, isDraining: () => boolean): void {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['system'],
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: registry open, workers warm, not draining (503 otherwise)',
        tags: ['system'],
        response: {
          200: READINESS,
          503: READINESS,
        },
      },
    },
    async (_request, reply) => {
      let registry = true;
      try {
        context.registry.searchModels({ page: { limit: 1 } });
      } catch {
        registry = false;
      }
      const checks = { registry, workers: context.isReady(), draining: isDraining() };
      const ready = checks.registry && checks.workers && !checks.draining;
      return reply.status(ready ? 200 : 503).send({ ready, checks });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus text: machine, governor, operations (HTTP routes included), server gauges',
        tags: ['system'],
      },
    },
    async (_request, reply) =>
      reply
        .type('text/plain; version=0.0.4; charset=utf-8')
        .send(context.toolbox.monitor.toPrometheus() + serverGauges(context, isDraining())),
  );

  app.get(
    '/openapi.json',
    { schema: { summary: 'This API as an OpenAPI 3 document', tags: ['system'] } },
    async () => app.swagger(),
  );
}
