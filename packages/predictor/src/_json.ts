import { InvalidInputError } from '@toolbox/contracts';
import type { EstimatorJSON } from './estimator.js';

/** Checks that `json` is the serialised form of `type` and returns it typed. */
export function checkJSON<P, S>(json: unknown, type: string): EstimatorJSON<P, S> {
  if (typeof json !== 'object' || json === null) {
    throw new InvalidInputError(`json must be an object from ${type}.toJSON()`, {
      details: { argument: 'json' },
    });
  }
  const candidate = json as Partial<EstimatorJSON<P, S>>;
  if (candidate.type !== type) {
    throw new InvalidInputError(`json.type must be '${type}', got ${JSON.stringify(candidate.type)}`, {
      details: { argument: 'json.type', value: candidate.type },
    });
  }
  if (candidate.version !== 1) {
    throw new InvalidInputError(`json.version ${String(candidate.version)} is not supported (expected 1)`, {
      details: { argument: 'json.version', value: candidate.version },
    });
  }
  return candidate as EstimatorJSON<P, S>;
}

/** Float64Array -> number[], with non-finite values kept as strings so JSON keeps them. */
export function encodeArray(values: ArrayLike<number>): (number | string)[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : String(v)));
}

export function decodeArray(values: readonly (number | string)[]): Float64Array {
  return Float64Array.from(values, (v) => (typeof v === 'number' ? v : Number(v)));
}
