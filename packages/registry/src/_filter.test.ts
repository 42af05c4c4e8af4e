import { RegistryError } from '@toolbox/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRunFilter, compileRunOrder, parseFilter } from './_filter.js';

describe('run filter language', () => {
  it('parses comparisons joined by and/or/not with precedence and parentheses', () => {
    expect(parseFilter('metrics.accuracy > 0.9 and tags.team = "x" or not params.lr <= 1e-3')).toEqual({
      type: 'or',
      left: {
        type: 'and',
        left: { type: 'compare', field: { kind: 'metric', key: 'accuracy' }, op: '>', value: 0.9 },
        right: { type: 'compare', field: { kind: 'tag', key: 'team' }, op: '=', value: 'x' },
      },
      right: {
        type: 'not',
        operand: { type: 'compare', field: { kind: 'param', key: 'lr' }, op: '<=', value: 0.001 },
      },
    });
    expect(parseFilter("status IN ('finished', 'failed')")).toEqual({
      type: 'compare',
      field: { kind: 'attribute', key: 'status' },
      op: 'in',
      value: ['finished', 'failed'],
    });
    expect(parseFilter('attributes.name LIKE "base%"')).toMatchObject({
      op: 'like',
      field: { kind: 'attribute', key: 'name' },
    });
    expect(parseFilter('  ')).toBeUndefined();
    expect(parseFilter(undefined)).toBeUndefined();
  });

  it('compiles to SQL whose values are all bound parameters', () => {
    const tree = parseFilter('metrics.acc >= 0.5 and (tags.team = "a\\"b" or params.depth > 3)');
    const compiled = compileRunFilter(tree as NonNullable<typeof tree>);
    expect(compiled.params).toEqual(['acc', 0.5, 'team', 'a"b', 'depth', 3]);
    expect(compiled.sql).not.toContain('a"b');
    expect(compiled.sql).toContain('CAST(f.value AS REAL) > ?');
  });

  it('turns SQL-injection-shaped input into parse errors naming the position', () => {
    const attacks = [
      'metrics.acc > 0.9; DROP TABLE runs',
      'tags.team = "x" OR 1=1',
      "tags.team = 'x' --",
      'metrics.acc > 0.9 /* comment */',
      "name = 'a' UNION SELECT * FROM models",
      'metrics.`acc` > 1',
      "tags.team = x'00'",
      'metrics.acc > (SELECT 1)',
      'runs.id = 1',
      'metrics.a b > 1',
      'metrics.acc',
      '1 = 1',
      'tags.t = "unterminated',
      "params.p = 'a\u0000b'",
      'metrics. > 1',
      'metrics.../etc > 1',
      '((((((((((((((((((((((((((((((((((metrics.a > 1))))))))))))))))))))))))))))))))))',
      'x'.repeat(5000),
    ];
    for (const attack of attacks) {
      expect(() => parseFilter(attack, 'filter'), attack).toThrow(RegistryError);
      expect(() => parseFilter(attack, 'filter'), attack).toThrow(/^filter: /);
    }
    expect(() => parseFilter('metrics.acc > 0.9; DROP TABLE runs')).toThrow(
      /unexpected character ";" at position 17/,
    );
  });

  it('refuses type mismatches at compile time', () => {
    for (const text of [
      'metrics.acc = "high"',
      'start_time > "yesterday"',
      'status = 1',
      'metrics.acc like "a%"',
      'tags.a in (1, "b")',
    ]) {
      const tree = parseFilter(text);
      expect(() => compileRunFilter(tree as NonNullable<typeof tree>), text).toThrow(RegistryError);
    }
  });

  it('never lets arbitrary text reach the SQL string (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        let tree: ReturnType<typeof parseFilter>;
        try {
          tree = parseFilter(`tags.note = ${JSON.stringify(text)}`);
        } catch (error) {
          expect(error).toBeInstanceOf(RegistryError);
          return;
        }
        const compiled = compileRunFilter(tree as NonNullable<typeof tree>);
        expect(compiled.params).toContain(text);
        expect(compiled.sql).toBe(
          'r.id IN (SELECT f.run_id FROM run_tags f WHERE f.key = ? AND f.value = ?)',
        );
      }),
    );
  });

  it('parses orderBy entries and rejects anything else', () => {
    expect(compileRunOrder(['metrics.accuracy DESC', 'start_time']).params).toEqual(['accuracy']);
    for (const bad of ['metrics.acc DESC; DROP TABLE runs', 'random()', 'metrics.acc sideways', 42]) {
      expect(() => compileRunOrder([bad])).toThrow(RegistryError);
    }
  });
});
