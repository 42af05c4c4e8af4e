export type { Scope, TokenSpec } from './auth.js';
export { MIN_TOKEN_CHARS, readTokens, SCOPES } from './auth.js';
export { createServer } from './create-server.js';
export type { Problem } from './errors.js';
export { ConflictError, DrainingError, ForbiddenError, NotFoundError, UnauthorizedError } from './errors.js';
export type { JobStatus, JobView } from './jobs.js';
export type { ServerOptions } from './options.js';
export { AB_TAG } from './predict-routes.js';
export type { BatchingOptions } from './predictions.js';
