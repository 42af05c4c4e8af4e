import { InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsort } from './argsort.js';

describe('argsort', () => {
  it('is a permutation that sorts, stable on ties, both directions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 60 }),
        fc.boolean(),
        (raw, descending) => {
          const values = Float64Array.from(raw);
          const order = Array.from(argsort(values, { descending }));
          expect([...order].sort((a, b) => a - b)).toEqual(raw.map((_, i) => i));
          const reference = raw
            .map((v, i) => [v, i] as const)
            .sort((p, q) => (descending ? q[0] - p[0] : p[0] - q[0]) || p[1] - q[1])
            .map(([, i]) => i);
          expect(order).toEqual(reference);
        },
      ),
    );
  });

  it('puts NaN last either way', () => {
    const values = Float64Array.from([2, Number.NaN, 1]);
    expect(Array.from(argsort(values))).toEqual([2, 0, 1]);
    expect(Array.from(argsort(values, { descending: true }))).toEqual([0, 2, 1]);
  });

  it('rejects non-Float64Array input and a bad option', () => {
    expect(() => argsort([1, 2] as never)).toThrow(/values must be a Float64Array/);
    expect(() => argsort(new Float64Array(1), { descending: 'yes' as never })).toThrow(InvalidInputError);
  });
});
