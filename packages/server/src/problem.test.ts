import {
  AbortError,
  CircuitOpenError,
  InvalidInputError,
  RegistryError,
  ShapeError,
  TaskFailedError,
  TimeoutError,
} from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  DrainingError,
  ForbiddenError,
  NotFoundError,
  toProblem,
  UnauthorizedError,
} from './errors.js';

describe('toProblem', () => {
  it('maps each ToolboxError class to its status, keeping the code and message', () => {
    const cases: [Error, number, string][] = [
      [new InvalidInputError('rows must be an array'), 400, 'INVALID_INPUT'],
      [new ShapeError('X has 2 columns, the model 4'), 400, 'SHAPE_MISMATCH'],
      [new UnauthorizedError('no token'), 401, 'UNAUTHORIZED'],
      [new ForbiddenError('no scope'), 403, 'FORBIDDEN'],
      [new NotFoundError('no job'), 404, 'NOT_FOUND'],
      [
        new RegistryError('model "x" does not exist', { details: { reason: 'not_found' } }),
        404,
        'REGISTRY_ERROR',
      ],
      [new RegistryError('cannot move', { details: { reason: 'conflict' } }), 409, 'REGISTRY_ERROR'],
      [new RegistryError('name must be a string', { details: { argument: 'name' } }), 400, 'REGISTRY_ERROR'],
      [new ConflictError('finished'), 409, 'CONFLICT'],
      [new DrainingError('closing'), 503, 'DRAINING'],
      [new CircuitOpenError('open'), 503, 'CIRCUIT_OPEN'],
      [new AbortError('aborted'), 503, 'ABORTED'],
      [new TimeoutError('slow'), 504, 'TIMEOUT'],
      [new TaskFailedError('item 5 failed: bad value'), 422, 'TASK_FAILED'],
    ];
    for (const [error, status, code] of cases) {
      expect(toProblem(error)).toMatchObject({ status, code, detail: error.message });
    }
  });

  it('hides the message of internal failures', () => {
    expect(toProblem(new RegistryError('database /x/registry.db is corrupt'))).toMatchObject({
      status: 500,
      detail: 'internal error',
    });
    expect(toProblem(new Error('boom at /home/me'))).toEqual({
      type: 'urn:toolbox:problem:internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'internal error',
      code: 'INTERNAL',
    });
  });

  it("keeps the framework's 4xx and lists schema violations", () => {
    expect(
      toProblem(Object.assign(new Error('Request body is too large'), { statusCode: 413 })),
    ).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    const validation = Object.assign(new Error('bad'), {
      validation: [{ instancePath: '/rows/0', message: 'must be array' }],
      validationContext: 'body',
    });
    expect(toProblem(validation)).toMatchObject({
      status: 400,
      detail: 'body/rows/0 must be array',
      errors: [{ path: 'body/rows/0', message: 'must be array' }],
    });
  });
});
