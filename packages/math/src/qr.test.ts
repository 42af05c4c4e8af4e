import { fromArray, InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { get, maxAbsDiff, naiveMatmul, orthogonalityError, randomMatrix } from './_naive.js';
import { qr } from './qr.js';

const size = fc.oneof(fc.constantFrom(0, 1, 2, 3, 5, 64), fc.integer({ min: 0, max: 30 }));

describe('qr', () => {
  it('Q·R ≈ A, QᵀQ ≈ I and R upper triangular (1e-12), thin and full', () => {
    fc.assert(
      fc.property(size, size, fc.integer(), fc.boolean(), (m, n, seed, thin) => {
        const a = randomMatrix(m, n, seed);
        const { q, r } = qr(a, { thin });
        const p = thin ? Math.min(m, n) : m;
        expect(q).toMatchObject({ rows: m, cols: p });
        expect(r).toMatchObject({ rows: p, cols: n });
        expect(maxAbsDiff(naiveMatmul(q, r), a)).toBeLessThan(1e-12 * Math.max(1, m));
        expect(orthogonalityError(q)).toBeLessThan(1e-12 * Math.max(1, m));
        for (let i = 0; i < p; i++) for (let j = 0; j < Math.min(i, n); j++) expect(get(r, i, j)).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('handles a rank-deficient matrix', () => {
    const a = fromArray([
      [1, 2, 3],
      [2, 4, 6],
      [1, 0, 1],
    ]);
    const { q, r } = qr(a);
    expect(maxAbsDiff(naiveMatmul(q, r), a)).toBeLessThan(1e-14);
  });

  it('rejects non-finite input and a bad option, naming them', () => {
    expect(() => qr(fromArray([[1, Number.NaN]]))).toThrow(/a\[0\]\[1\] is NaN/);
    expect(() => qr(fromArray([[1]]), { thin: 1 as never })).toThrow(InvalidInputError);
    expect(() => qr(fromArray([[1]]), { thin: 1 as never })).toThrow(/options\.thin must be a boolean/);
  });
});
