import { refuse, validateNumber } from './_validate.js';
import { validateName } from './names.js';

/**
 * A 53-bit string hash (cyrb53, public domain, by bryc): fast, well mixed, and the
 * same on every platform, so a key routes to the same variant in every process.
 */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Weights checked and sorted by variant name, so the partition does not depend on key order. */
export interface RoutingTable {
  variants: string[];
  /** Cumulative upper bounds in [0, 1]; the last is 1. */
  bounds: number[];
}

export function routingTable(weights: unknown, argument: string): RoutingTable {
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
    refuse(`${argument} must be an object of variant weights, e.g. { champion: 0.9, challenger: 0.1 }`, {
      argument,
    });
  }
  const entries = Object.entries(weights as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  if (entries.length === 0) refuse(`${argument} must name at least one variant`, { argument });
  let total = 0;
  for (const [variant, weight] of entries) {
    validateName(variant, `${argument} variant`);
    if (validateNumber(weight, `${argument}.${variant}`) < 0)
      refuse(`${argument}.${variant} must be >= 0, got ${weight}`, { argument });
    total += weight as number;
  }
  if (total <= 0) refuse(`${argument} weights must add up to more than 0`, { argument });
  const bounds: number[] = [];
  let cumulative = 0;
  for (const [, weight] of entries) {
    cumulative += (weight as number) / total;
    bounds.push(cumulative);
  }
  bounds[bounds.length - 1] = 1;
  return { variants: entries.map(([variant]) => variant), bounds };
}

/**
 * The variant for `key`: the key's hash is a point in [0, 1) and each variant owns a
 * slice proportional to its weight. A small weight change moves only the keys near a
 * slice boundary, so most users keep their variant.
 */
export function pickVariant(table: RoutingTable, salt: string, key: string): string {
  const point = hash53(key, hash53(salt) % 0x7fffffff) / 2 ** 53;
  for (let index = 0; index < table.bounds.length; index++) {
    if (point < (table.bounds[index] as number)) return table.variants[index] as string;
  }
  return table.variants[table.variants.length - 1] as string;
}
