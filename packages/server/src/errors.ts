import {
  AbortError,
  CircuitOpenError,
  RegistryError,
  TaskFailedError,
  TimeoutError,
  ToolboxError,
} from '@toolbox/contracts';

/** A request without a valid bearer token. */
export class UnauthorizedError extends ToolboxError {
  static override readonly code = 'UNAUTHORIZED';
}

/** A valid token without the scope the route needs. */
export class ForbiddenError extends ToolboxError {
  static override readonly code = 'FORBIDDEN';
}

/** No such route, job, model or version. */
export class NotFoundError extends ToolboxError {
  static override readonly code = 'NOT_FOUND';
}

/** The request conflicts with the current state (a finished job, an invalid transition). */
export class ConflictError extends ToolboxError {
  static override readonly code = 'CONFLICT';
}

/** The server is shutting down and takes no new work. */
export class DrainingError extends ToolboxError {
  static override readonly code = 'DRAINING';
}

/** An RFC 9457 problem document, sent as `application/problem+json`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The `ToolboxError` code (or the HTTP-level code for framework errors). */
  code: string;
  instance?: string;
  /** Schema violations, one per failed rule. */
  errors?: { path: string; message: string }[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** HTTP codes of the framework's own errors (body parsing, limits) that keep their status. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'INVALID_INPUT',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function statusOf(error: ToolboxError): number {
  if (error instanceof UnauthorizedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof DrainingError || error instanceof CircuitOpenError || error instanceof AbortError)
    return 503;
  if (error instanceof TimeoutError) return 504;
  // The caller's task failed on an item (a map job): the message names the item and is the caller's to see.
  if (error instanceof TaskFailedError) return 422;
  if (error instanceof RegistryError) {
    if (error.details.reason === 'not_found') return 404;
    if (error.details.reason === 'conflict') return 409;
    return error.details.argument === undefined ? 500 : 400;
  }
  // InvalidInputError, ShapeError and the rest of the caller's mistakes
  return error.code === 'CACHE_ERROR' || error.code === 'TOOLBOX_ERROR' ? 500 : 400;
}

function problem(status: number, code: string, detail: string): Problem {
  return {
    type: `urn:toolbox:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
  };
}

interface FrameworkError {
  statusCode?: number;
  validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
  message: string;
}

/**
 * Maps any error to a problem document: `ToolboxError`s by class (a registry refusal by
 * `details.reason`), schema violations to 400, the framework's 4xx as they are, anything
 * else to a 500 whose detail does not leak internals.
 */
export function toProblem(error: unknown): Problem {
  if (error instanceof ToolboxError) {
    const status = statusOf(error);
    return problem(status, error.code, status === 500 ? 'internal error' : error.message);
  }
  const framework = error as FrameworkError;
  if (Array.isArray(framework.validation)) {
    const context = framework.validationContext ?? 'body';
    const errors = framework.validation.map((entry) => ({
      path: `${context}${entry.instancePath ?? ''}`,
      message: entry.message ?? 'is invalid',
    }));
    const first = errors[0];
    return {
      ...problem(400, 'INVALID_INPUT', first ? `${first.path} ${first.message}` : framework.message),
      errors,
    };
  }
  const status = framework.statusCode;
  if (status !== undefined && FRAMEWORK_CODES[status] !== undefined) {
    return problem(status, FRAMEWORK_CODES[status], framework.message);
  }
  return problem(500, 'INTERNAL', 'internal error');
}
