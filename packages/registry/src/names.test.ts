import { RegistryError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateName } from './names.js';

describe('validateName', () => {
  it('accepts ordinary model names', () => {
    for (const name of ['iris-classifier', 'churn_v2', 'a', 'Model.2026', '1st', 'x'.repeat(128)]) {
      expect(validateName(name)).toBe(name);
    }
  });

  it('rejects path tricks, separators, NUL, empty and over-long names, naming the argument', () => {
    const bad = [
      '',
      '.',
      '..',
      '../x',
      '/etc/passwd',
      'a/b',
      'a\\b',
      '.hidden',
      '-flag',
      '_x',
      'has space',
      'é',
      'a\0b',
      'x'.repeat(129),
      'y'.repeat(10_240),
    ];
    for (const name of bad) {
      expect(() => validateName(name, 'alias')).toThrow(RegistryError);
      expect(() => validateName(name, 'alias')).toThrow(/^alias /);
    }
    expect(() => validateName(42)).toThrow('name must be a string, got number');
  });

  it('keeps the message short for huge names', () => {
    try {
      validateName('z'.repeat(10_240), 'model');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(200);
      expect((error as Error).message).toContain('10240 characters');
    }
  });

  it('never accepts a name containing a path separator or NUL (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('/', '\\', '\0'), fc.string(), (before, separator, after) => {
        expect(() => validateName(before + separator + after)).toThrow(RegistryError);
      }),
    );
  });

  it('accepts exactly the documented pattern (property)', () => {
    const pattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
    fc.assert(
      fc.property(fc.string({ maxLength: 140 }), (name) => {
        let accepted = true;
        try {
          validateName(name);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(pattern.test(name));
      }),
    );
  });
});
