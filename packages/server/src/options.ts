import { InvalidInputError } from '@toolbox/contracts';
import type { ModuleTask } from '@toolbox/core';
import type { TokenSpec } from './auth.js';
import type { BatchingOptions } from './predictions.js';
import { NAME } from './schemas.js';

export interface ServerOptions {
  /** Bearer tokens for the mutating routes (jobs, registry changes). Without tokens those routes answer 401. */
  auth?: { tokens: TokenSpec[] };
  /** Largest request body, bytes; bigger bodies get 413. Default 8 MiB. */
  bodyLimitBytes?: number;
  /** Most rows in one predict request; default 10 000. */
  maxRowsPerRequest?: number;
  /** Most rows or items in one batch job; default 100 000. */
  maxItemsPerJob?: number;
  /** Coalesce concurrent predict requests per model version; `false` predicts each request alone. Default on. */
  batching?: BatchingOptions | false;
  /** Model versions kept loaded (least recently used dropped first); default 16. */
  maxLoadedModels?: number;
  /** Tasks `POST /v1/jobs` may map over, by name: a module path or URL and the export to call per item. */
  tasks?: Record<string, ModuleTask>;
  /** Batch jobs running at once; default 2. */
  maxConcurrentJobs?: number;
  /** Finished jobs kept for `GET /v1/jobs/:id`; default 1 000. */
  maxRetainedJobs?: number;
  /** On close, how long in-flight requests and jobs may take to finish before they are cut off, milliseconds; default 10 000. */
  shutdownTimeoutMs?: number;
  /** Header whose value keys A/B routing (the same key always gets the same variant); default `x-routing-key`. */
  routingKeyHeader?: string;
  /** Request log (pino) on stdout; the Authorization header is redacted. Default off. */
  logger?: boolean;
}

export interface ResolvedOptions {
  tokens: TokenSpec[];
  bodyLimitBytes: number;
  maxRowsPerRequest: number;
  maxItemsPerJob: number;
  batching: Required<BatchingOptions> | undefined;
  maxLoadedModels: number;
  tasks: Map<string, ModuleTask>;
  maxConcurrentJobs: number;
  maxRetainedJobs: number;
  shutdownTimeoutMs: number;
  routingKeyHeader: string;
  logger: boolean;
}

function integer(value: unknown, argument: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new InvalidInputError(`${argument} must be an integer >= ${min}, got ${String(value)}`, {
      details: { argument, value },
    });
  }
  return value as number;
}

const NAME_PATTERN = new RegExp(NAME.pattern);

function tasksOf(tasks: unknown): Map<string, ModuleTask> {
  if (tasks === undefined) return new Map();
  if (typeof tasks !== 'object' || tasks === null) {
    throw new InvalidInputError('options.tasks must be an object of name -> { module, export }', {
      details: { argument: 'options.tasks' },
    });
  }
  return new Map(
    Object.entries(tasks).map(([name, task]) => {
      const argument = `options.tasks.${name}`;
      const { module, export: exported } = (task ?? {}) as Partial<ModuleTask>;
      if (
        !NAME_PATTERN.test(name) ||
        !(typeof module === 'string' || module instanceof URL) ||
        typeof exported !== 'string'
      ) {
        throw new InvalidInputError(
          `${argument} must be named by the model-name rule and be { module, export }`,
          { details: { argument } },
        );
      }
      return [name, { module, export: exported }];
    }),
  );
}

/** Validates `createServer`'s options and fills in the defaults. */
export function resolveOptions(options: ServerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidInputError('options must be an object', { details: { argument: 'options' } });
  }
  const batching =
    options.batching === false
      ? undefined
      : {
          maxBatchSize: integer(options.batching?.maxBatchSize, 'options.batching.maxBatchSize', 64),
          maxWaitMs: integer(options.batching?.maxWaitMs, 'options.batching.maxWaitMs', 2, 0),
        };
  const header = options.routingKeyHeader ?? 'x-routing-key';
  if (typeof header !== 'string' || !/^[a-z0-9-]{1,64}$/.test(header)) {
    throw new InvalidInputError('options.routingKeyHeader must be a lower-case header name', {
      details: { argument: 'options.routingKeyHeader' },
    });
  }
  return {
    tokens: options.auth?.tokens ?? [],
    bodyLimitBytes: integer(options.bodyLimitBytes, 'options.bodyLimitBytes', 8 * 1024 * 1024),
    maxRowsPerRequest: integer(options.maxRowsPerRequest, 'options.maxRowsPerRequest', 10_000),
    maxItemsPerJob: integer(options.maxItemsPerJob, 'options.maxItemsPerJob', 100_000),
    batching,
    maxLoadedModels: integer(options.maxLoadedModels, 'options.maxLoadedModels', 16),
    tasks: tasksOf(options.tasks),
    maxConcurrentJobs: integer(options.maxConcurrentJobs, 'options.maxConcurrentJobs', 2),
    maxRetainedJobs: integer(options.maxRetainedJobs, 'options.maxRetainedJobs', 1000),
    shutdownTimeoutMs: integer(options.shutdownTimeoutMs, 'options.shutdownTimeoutMs', 10_000),
    routingKeyHeader: header,
    logger: options.logger === true,
  };
}
