import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { estimateBytes } from './estimate-bytes.js';

describe('estimateBytes', () => {
  it('counts typed arrays by their bytes', () => {
    expect(estimateBytes(new Float64Array(1000))).toBe(8000 + 16);
    expect(estimateBytes(new Uint8Array(10).buffer)).toBe(10 + 16);
  });

  it('grows with strings, arrays and objects', () => {
    expect(estimateBytes('abcd')).toBeGreaterThan(estimateBytes('ab'));
    expect(estimateBytes([1, 2, 3])).toBeGreaterThan(estimateBytes([1]));
    expect(estimateBytes({ a: new Float64Array(100) })).toBeGreaterThan(800);
    expect(estimateBytes(new Map([['k', new Float64Array(10)]]))).toBeGreaterThan(80);
  });

  it('counts a value shared by two fields twice but accepts it (no false cycle)', () => {
    const shared = new Float64Array(10);
    expect(estimateBytes({ a: shared, b: shared })).toBeGreaterThan(160);
  });

  it('rejects cycles and functions, naming the path', () => {
    const cyclic: Record<string, unknown> = { list: [] };
    (cyclic.list as unknown[]).push(cyclic);
    expect(() => estimateBytes(cyclic)).toThrow(InvalidInputError);
    expect(() => estimateBytes(cyclic)).toThrow('value.list[0] refers back to one of its parents');
    expect(() => estimateBytes({ model: { fn: () => 1 } })).toThrow('value.model.fn is a function');
  });
});

describe('estimateBytes as the cacheability check', () => {
  it('rejects class instances but accepts Date, Map, Set, DataView and null-prototype objects', () => {
    expect(() => estimateBytes({ model: new (class Model {})() })).toThrow(
      'value.model is a class instance (Model), which cannot be cached',
    );
    expect(() => estimateBytes(/re/, 'result')).toThrow('result is a class instance (RegExp)');
    expect(
      estimateBytes([
        new Date(0),
        new Map(),
        new Set(),
        new DataView(new ArrayBuffer(4)),
        Object.create(null),
      ]),
    ).toBeGreaterThan(0);
  });
});
