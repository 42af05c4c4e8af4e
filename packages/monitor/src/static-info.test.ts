import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it, vi } from 'vitest';
import { createStaticInfoReader, type StaticInfoSource, staticInfo } from './static-info.js';

const source: StaticInfoSource = {
  cpu: async () => ({ manufacturer: 'Acme', brand: 'Rocket 9000', physicalCores: 8, cores: 16 }),
  mem: async () => ({ total: 64 * 1024 ** 3 }),
};

describe('staticInfo', () => {
  it('maps systeminformation facts and fetches them once', async () => {
    const load = vi.fn(async () => source);
    const read = createStaticInfoReader({ source: load });
    const [first, second] = await Promise.all([read(), read()]);
    expect(first).toEqual({
      cpuModel: 'Acme Rocket 9000',
      physicalCores: 8,
      logicalCores: 16,
      totalMemoryBytes: 64 * 1024 ** 3,
      source: 'systeminformation',
    });
    expect(second).toBe(first);
    expect(await read()).toEqual(first);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('falls back to os when systeminformation fails', async () => {
    const read = createStaticInfoReader({
      source: async () => ({ ...source, cpu: () => Promise.reject(new Error('no lscpu')) }),
    });
    const info = await read();
    expect(info.source).toBe('os');
    expect(info.logicalCores).toBeGreaterThanOrEqual(1);
    expect(info.totalMemoryBytes).toBeGreaterThan(0);
  });

  it('falls back to os after the timeout, and takes a late answer for later calls', async () => {
    vi.useFakeTimers();
    try {
      let answer: (value: StaticInfoSource) => void = () => undefined;
      const read = createStaticInfoReader({
        timeoutMs: 100,
        source: () => new Promise((resolve) => (answer = resolve)),
      });
      const pending = read();
      await vi.advanceTimersByTimeAsync(100);
      expect((await pending).source).toBe('os');
      answer(source);
      await vi.advanceTimersByTimeAsync(0);
      expect((await read()).source).toBe('systeminformation');
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the real machine, memoised', async () => {
    const info = await staticInfo();
    expect(info.physicalCores).toBeGreaterThanOrEqual(1);
    expect(info.logicalCores).toBeGreaterThanOrEqual(info.physicalCores);
    expect(info.totalMemoryBytes).toBeGreaterThan(0);
    expect(info.cpuModel.length).toBeGreaterThan(0);
    expect(await staticInfo()).toBe(await staticInfo());
  });

  it('validates options', () => {
    expect(() => createStaticInfoReader({ timeoutMs: 0 })).toThrow(InvalidInputError);
    expect(() => createStaticInfoReader({ source: 'si' as never })).toThrow(
      'options.source must be a function',
    );
  });
});
