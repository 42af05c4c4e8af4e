import { InvalidInputError } from '@toolbox/contracts';

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `value` when it is a positive integer or `undefined`; throws `InvalidInputError` naming `name` otherwise. */
export function optionalPositiveInteger(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new InvalidInputError(`${name} must be a positive integer, got ${describe(value)}`, {
      details: { argument: name, value },
    });
  return value;
}

/** `value` when it is a positive finite number or `undefined`; throws `InvalidInputError` otherwise. */
export function optionalPositiveNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new InvalidInputError(`${name} must be a positive number, got ${describe(value)}`, {
      details: { argument: name, value },
    });
  return value;
}

/** `value` when it is a number in `[min, max]` or `undefined`; throws `InvalidInputError` otherwise. */
export function optionalNumberInRange(
  value: unknown,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= min && value <= max))
    throw new InvalidInputError(`${name} must be a number from ${min} to ${max}, got ${describe(value)}`, {
      details: { argument: name, value },
    });
  return value;
}

/** Throws `InvalidInputError` unless `value` is a function or `undefined`. */
export function optionalFunction<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw new InvalidInputError(`${name} must be a function, got ${describe(value)}`, {
      details: { argument: name },
    });
  return value;
}
