import type { ModuleTask, Registry, Toolbox } from '@toolbox/core';
import type { FastifyRequest } from 'fastify';
import type { Scope } from './auth.js';
import type { JobRunner } from './jobs.js';
import type { PredictionService } from './predictions.js';

/** What the route modules share. */
export interface ServerContext {
  toolbox: Toolbox;
  registry: Registry;
  predictions: PredictionService;
  jobs: JobRunner;
  /** Map tasks that `POST /v1/jobs` may run, by name. */
  tasks: ReadonlyMap<string, ModuleTask>;
  maxRowsPerRequest: number;
  maxItemsPerJob: number;
  /** Header whose value keys A/B routing. */
  routingKeyHeader: string;
  /** A `preHandler` requiring a bearer token with `scope`. */
  requireScope: (scope: Scope) => (request: FastifyRequest) => Promise<void>;
  /** Requests received, and requests whose response was sent in full. */
  counters: { received: number; answered: number };
  /** False until the workers are warm, and again once draining starts. */
  isReady: () => boolean;
}
