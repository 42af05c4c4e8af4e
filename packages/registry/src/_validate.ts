import { RegistryError } from '@toolbox/contracts';
import { validateName } from './names.js';

/** Longest tag or parameter value, in characters (MLflow allows 5 000 / 6 000). */
export const MAX_VALUE_CHARS = 8_000;
/** Longest description or transition reason, in characters. */
export const MAX_TEXT_CHARS = 20_000;
/** Most tags, params or metrics in one call. */
export const MAX_ENTRIES = 1_000;

export function refuse(message: string, details: Record<string, unknown> = {}): never {
  throw new RegistryError(message, { details });
}

export function optionalText(
  value: unknown,
  argument: string,
  maxChars = MAX_TEXT_CHARS,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') refuse(`${argument} must be a string, got ${typeof value}`, { argument });
  if (value.length > maxChars) {
    refuse(`${argument} must be at most ${maxChars} characters, got ${value.length}`, { argument });
  }
  if (value.includes('\0')) refuse(`${argument} must not contain NUL bytes`, { argument });
  return value;
}

function plainObject(value: unknown, argument: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    refuse(
      `${argument} must be a plain object, got ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`,
      {
        argument,
      },
    );
  }
  const entries = Object.keys(value);
  if (entries.length > MAX_ENTRIES)
    refuse(`${argument} must have at most ${MAX_ENTRIES} entries, got ${entries.length}`, { argument });
  return value as Record<string, unknown>;
}

/** Tags: names as keys, strings as values. */
export function validateTags(value: unknown, argument: string): Record<string, string> {
  if (value === undefined) return {};
  const object = plainObject(value, argument);
  const tags: Record<string, string> = {};
  for (const [key, entry] of Object.entries(object)) {
    validateName(key, `${argument} key`);
    tags[key] =
      optionalText(entry, `${argument}.${key}`, MAX_VALUE_CHARS) ??
      refuse(`${argument}.${key} must be a string`, { argument });
  }
  return tags;
}

/** Metrics: names as keys, finite numbers as values. */
export function validateMetrics(value: unknown, argument: string): Record<string, number> {
  if (value === undefined) return {};
  const object = plainObject(value, argument);
  for (const [key, entry] of Object.entries(object)) {
    validateName(key, `${argument} key`);
    validateNumber(entry, `${argument}.${key}`);
  }
  return object as Record<string, number>;
}

export function validateNumber(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    refuse(`${argument} must be a finite number, got ${typeof value === 'number' ? value : typeof value}`, {
      argument,
    });
  }
  return value;
}

/** Parameters: names as keys, strings, finite numbers or booleans as values; stored as text. */
export function validateParams(value: unknown, argument: string): Record<string, string> {
  if (value === undefined) return {};
  const object = plainObject(value, argument);
  const params: Record<string, string> = {};
  for (const [key, entry] of Object.entries(object)) {
    validateName(key, `${argument} key`);
    if (typeof entry === 'number') validateNumber(entry, `${argument}.${key}`);
    else if (typeof entry !== 'string' && typeof entry !== 'boolean') {
      refuse(
        `${argument}.${key} must be a string, number or boolean, got ${entry === null ? 'null' : typeof entry}`,
        { argument },
      );
    }
    params[key] = optionalText(String(entry), `${argument}.${key}`, MAX_VALUE_CHARS) as string;
  }
  return params;
}

export function positiveInteger(value: unknown, argument: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    refuse(`${argument} must be an integer from 1 to ${max}, got ${String(value)}`, { argument });
  }
  return value;
}
