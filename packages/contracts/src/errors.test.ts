import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as source from './index.js';

const { AbortError, InvalidInputError, ShapeError, TaskFailedError, ToolboxError, TimeoutError } = source;

const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
const esm = (await import(`${distDir}index.js`)) as typeof source;
const cjs = createRequire(import.meta.url)(`${distDir}index.cjs`) as typeof source;

describe('error classes', () => {
  it('carry stable codes, names and details', () => {
    const error = new ShapeError('a is 2x3, b is 4x5', { details: { a: [2, 3], b: [4, 5] } });
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.name).toBe('ShapeError');
    expect(error.details).toEqual({ a: [2, 3], b: [4, 5] });
    expect(error.message).toBe('a is 2x3, b is 4x5');
    expect(error).toBeInstanceOf(ToolboxError);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(InvalidInputError);
    expect(new InvalidInputError('x').code).toBe('INVALID_INPUT');
    expect(new TimeoutError('x').code).toBe('TIMEOUT');
    expect(new AbortError('x').name).toBe('AbortError');
  });

  it('keep the cause', () => {
    const cause = new RangeError('deep');
    const error = new TaskFailedError('item 7 failed', { index: 7, cause });
    expect(error.cause).toBe(cause);
    expect(error.index).toBe(7);
    expect(error.details).toEqual({ index: 7 });
    expect(new ToolboxError('no cause')).not.toHaveProperty('cause');
  });

  it('serialise to JSON without losing the code', () => {
    const json = JSON.parse(JSON.stringify(new InvalidInputError('bad k', { details: { argument: 'k' } })));
    expect(json).toEqual({
      name: 'InvalidInputError',
      code: 'INVALID_INPUT',
      message: 'bad k',
      details: { argument: 'k' },
    });
  });

  it('answer instanceof across the ESM and CJS builds', () => {
    expect(esm.ShapeError).not.toBe(cjs.ShapeError);
    const fromCjs = new cjs.ShapeError('cjs');
    const fromEsm = new esm.TaskFailedError('esm', { index: 1 });
    expect(fromCjs instanceof esm.ShapeError).toBe(true);
    expect(fromCjs instanceof esm.ToolboxError).toBe(true);
    expect(fromCjs instanceof esm.InvalidInputError).toBe(false);
    expect(fromEsm instanceof cjs.TaskFailedError).toBe(true);
    expect(fromEsm instanceof cjs.ShapeError).toBe(false);
    expect(cjs.ToolboxError.isInstance(fromEsm)).toBe(true);
    expect(esm.ShapeError.isInstance(new cjs.InvalidInputError('x'))).toBe(false);
  });

  it('answer instanceof for user subclasses', () => {
    class ModelLoadError extends ToolboxError {
      static override readonly code = 'MODEL_LOAD';
    }
    const error = new ModelLoadError('cannot load');
    expect(error.code).toBe('MODEL_LOAD');
    expect(error instanceof ModelLoadError).toBe(true);
    expect(error instanceof esm.ToolboxError).toBe(true);
    expect(error instanceof esm.ShapeError).toBe(false);
  });

  it('do not claim unrelated values', () => {
    expect({} instanceof ToolboxError).toBe(false);
    expect((null as unknown as object) instanceof ToolboxError).toBe(false);
    expect(new Error('plain') instanceof ToolboxError).toBe(false);
  });
});
