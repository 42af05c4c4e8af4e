import { RegistryError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickVariant, routingTable } from './_routing.js';

describe('A/B routing', () => {
  it('is deterministic and independent of the weights object key order', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (key) => {
        const a = routingTable({ champion: 0.9, challenger: 0.1 }, 'weights');
        const b = routingTable({ challenger: 0.1, champion: 0.9 }, 'weights');
        expect(pickVariant(a, 'model', key)).toBe(pickVariant(b, 'model', key));
      }),
    );
  });

  it('splits 100k keys within 2 percentage points of the weights', () => {
    const table = routingTable({ champion: 0.7, challenger: 0.2, shadow: 0.1 }, 'weights');
    const counts: Record<string, number> = { champion: 0, challenger: 0, shadow: 0 };
    const n = 100_000;
    for (let index = 0; index < n; index++) {
      const variant = pickVariant(table, 'iris', `user-${index}`);
      counts[variant] = (counts[variant] ?? 0) + 1;
    }
    expect(Math.abs((counts.champion as number) / n - 0.7)).toBeLessThan(0.02);
    expect(Math.abs((counts.challenger as number) / n - 0.2)).toBeLessThan(0.02);
    expect(Math.abs((counts.shadow as number) / n - 0.1)).toBeLessThan(0.02);
  });

  it('moves only about the changed share of keys when weights change slightly', () => {
    const before = routingTable({ champion: 0.9, challenger: 0.1 }, 'weights');
    const after = routingTable({ champion: 0.88, challenger: 0.12 }, 'weights');
    let moved = 0;
    const n = 20_000;
    for (let index = 0; index < n; index++) {
      if (pickVariant(before, 'm', `k${index}`) !== pickVariant(after, 'm', `k${index}`)) moved++;
    }
    expect(moved / n).toBeLessThan(0.03);
    expect(moved).toBeGreaterThan(0);
  });

  it('rejects bad weights with RegistryError', () => {
    for (const bad of [{}, { a: -1 }, { a: 0 }, { 'a/b': 1 }, { a: Number.NaN }, null, [1]]) {
      expect(() => routingTable(bad, 'options.aliases')).toThrow(RegistryError);
    }
  });
});
