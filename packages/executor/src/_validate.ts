import { InvalidInputError } from '@toolbox/contracts';

function invalid(name: string, requirement: string, value: unknown): InvalidInputError {
  return new InvalidInputError(`${name} must be ${requirement}, got ${String(value)}`, {
    details: { argument: name, value },
  });
}

/** `value` if it is a positive safe integer, `fallback` if undefined; else throws naming `name`. */
export function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(name, 'a positive integer', value);
  return value;
}

export function nonNegativeInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(name, 'a non-negative integer', value);
  return value;
}

/** A duration in milliseconds: finite and > 0 (or ≥ 0 with `allowZero`). */
export function durationMs(value: number | undefined, name: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw invalid(name, `a ${allowZero ? 'non-negative' : 'positive'} finite number of milliseconds`, value);
  }
  return value;
}

export function finiteNumber(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, 'a finite number', value);
  return value;
}

export function optionalFunction<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalid(name, 'a function', typeof value);
  return value;
}
