/**
 * Every error Toolbox throws on purpose is a `ToolboxError` with a stable string
 * `code` and structured `details`.
 *
 * `instanceof` works across copies of this package (the ESM and CJS builds loaded in
 * one process, or two installed versions): each instance carries the codes of its
 * class chain under a `Symbol.for` key, and every class answers `instanceof` from
 * them. `ToolboxError.isInstance(value)` is the same check as a function.
 */

const MARKER = Symbol.for('@toolbox/contracts/error');

export type ToolboxErrorCode =
  | 'TOOLBOX_ERROR'
  | 'INVALID_INPUT'
  | 'SHAPE_MISMATCH'
  | 'TASK_FAILED'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'CIRCUIT_OPEN'
  | 'REGISTRY_ERROR'
  | 'CACHE_ERROR';

export interface ToolboxErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

type ErrorClass = { code: string };

function classCodes(instance: object): string[] {
  const codes: string[] = [];
  let ctor: unknown = instance.constructor;
  while (typeof ctor === 'function') {
    if (Object.hasOwn(ctor, 'code')) codes.push((ctor as unknown as ErrorClass).code);
    ctor = Object.getPrototypeOf(ctor);
  }
  return codes;
}

function hasCode(value: unknown, code: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const codes = (value as Record<symbol, unknown>)[MARKER];
  return Array.isArray(codes) && codes.includes(code);
}

export class ToolboxError extends Error {
  static readonly code: ToolboxErrorCode | string = 'TOOLBOX_ERROR';
  /** Stable machine-readable code; never changes for a failure mode. */
  readonly code: string;
  /** Structured facts about the failure (argument name, shapes, index...). */
  readonly details: Record<string, unknown>;

  constructor(message: string, options: ToolboxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = (new.target as unknown as ErrorClass).code;
    this.details = options.details ?? {};
    Object.defineProperty(this, MARKER, { value: classCodes(this), enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return hasCode(value, (this as unknown as ErrorClass).code);
  }

  /** `value instanceof this`, across package copies; usable as a type guard. */
  static isInstance<T extends abstract new (...args: never[]) => ToolboxError>(
    this: T,
    value: unknown,
  ): value is InstanceType<T> {
    return value instanceof this;
  }

  toJSON(): { name: string; code: string; message: string; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** An argument or option is missing, of the wrong type, or out of range. */
export class InvalidInputError extends ToolboxError {
  static override readonly code = 'INVALID_INPUT';
}

/** Matrix or array shapes do not fit together. */
export class ShapeError extends ToolboxError {
  static override readonly code = 'SHAPE_MISMATCH';
}

/** One item of a job failed; `details.index` is its index, `cause` the original error. */
export class TaskFailedError extends ToolboxError {
  static override readonly code = 'TASK_FAILED';
  /** Index of the failing item, when the failure belongs to one. */
  readonly index: number | undefined;

  constructor(message: string, options: ToolboxErrorOptions & { index?: number } = {}) {
    const details =
      options.index === undefined ? options.details : { ...options.details, index: options.index };
    super(message, { cause: options.cause, details });
    this.index = options.index;
  }
}

/** An operation did not finish within its time limit. */
export class TimeoutError extends ToolboxError {
  static override readonly code = 'TIMEOUT';
}

/** An operation was cancelled through its `AbortSignal`. Named `AbortError`, like the platform's. */
export class AbortError extends ToolboxError {
  static override readonly code = 'ABORTED';
}

/** A circuit breaker is open: the call was refused without running. */
export class CircuitOpenError extends ToolboxError {
  static override readonly code = 'CIRCUIT_OPEN';
}

/** The model registry refused or failed an operation. */
export class RegistryError extends ToolboxError {
  static override readonly code = 'REGISTRY_ERROR';
}

/** A cache tier failed (corrupt entry, unwritable directory...). */
export class CacheError extends ToolboxError {
  static override readonly code = 'CACHE_ERROR';
}
