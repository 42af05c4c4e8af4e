import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';

describe('BufferPool', () => {
  it('reuses a released array of the same length and counts hits and misses', () => {
    const pool = new BufferPool();
    const first = pool.acquire(16);
    first.fill(3);
    pool.release(first);
    expect(pool.stats()).toEqual({ hits: 0, misses: 1, idleBytes: 128, idleBuffers: 1 });
    const second = pool.acquire(16, { zero: true });
    expect(second).toBe(first);
    expect(Array.from(second)).toEqual(new Array(16).fill(0));
    expect(pool.acquire(8)).not.toBe(first);
    expect(pool.stats()).toMatchObject({ hits: 1, misses: 2, idleBytes: 0 });
  });

  it('keeps at most maxBytes idle, ignores double releases and views', () => {
    const pool = new BufferPool({ maxBytes: 100 });
    const a = new Float64Array(10);
    pool.release(a);
    pool.release(a);
    pool.release(new Float64Array(10));
    pool.release(new Float64Array(20).subarray(0, 5));
    expect(pool.stats()).toMatchObject({ idleBytes: 80, idleBuffers: 1 });
  });

  it('drops everything on dispose and stops pooling', () => {
    const pool = new BufferPool();
    pool.release(new Float64Array(4));
    pool[Symbol.dispose]();
    expect(pool.stats().idleBuffers).toBe(0);
    pool.release(new Float64Array(4));
    expect(pool.stats().idleBuffers).toBe(0);
    expect(pool.acquire(4)).toHaveLength(4);
  });

  it('validates options and arguments by name', () => {
    expect(() => new BufferPool({ maxBytes: -1 })).toThrow(
      /options\.maxBytes must be a non-negative integer, got -1/,
    );
    expect(() => new BufferPool().acquire(1.5)).toThrow(InvalidInputError);
    expect(() => new BufferPool().release([] as never)).toThrow(/buffer must be a Float64Array/);
  });
});
