import { InvalidInputError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateName } from './names.js';

describe('validateName', () => {
  it('accepts ordinary model names', () => {
    for (const name of ['iris-classifier', 'churn_v2', 'a', 'Model.2026', 'x'.repeat(128)]) {
      expect(validateName(name)).toBe(name);
    }
  });

  it('rejects path tricks, separators, empty and over-long names, naming the argument', () => {
    for (const bad of ['', '.', '..', 'a..b', '../etc', 'a/b', 'a\\b', 'has space', 'é', 'x'.repeat(129)]) {
      expect(() => validateName(bad, 'alias')).toThrow(InvalidInputError);
      expect(() => validateName(bad, 'alias')).toThrow(/^alias /);
    }
    expect(() => validateName(42)).toThrow('name must be a string, got number');
  });

  it('never accepts a name containing a path separator or NUL (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('/', '\\', '\0'), fc.string(), (before, separator, after) => {
        expect(() => validateName(before + separator + after)).toThrow(InvalidInputError);
      }),
    );
  });
});
