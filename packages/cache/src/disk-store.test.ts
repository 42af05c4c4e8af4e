import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheError, InvalidInputError } from '@toolbox/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiskStore, type DiskStore } from './disk-store.js';

let dir: string;
let store: DiskStore;

function filesIn(root: string): string[] {
  const out: string[] = [];
  for (const shard of readdirSync(root)) {
    for (const name of readdirSync(join(root, shard))) out.push(join(root, shard, name));
  }
  return out;
}

function bytesOnDisk(root: string): number {
  return filesIn(root).reduce((sum, file) => sum + statSync(file).size, 0);
}

const payload = (size: number, fill: number) => new Uint8Array(size).fill(fill);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolbox-disk-'));
  store = createDiskStore({ dir, maxBytes: 1_000_000 });
});

afterEach(async () => {
  await store.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('DiskStore', () => {
  it('writes one file per entry under dir/ab/cdef… and reads it back', async () => {
    await store.set('alpha', payload(100, 7));
    expect(await store.get('alpha')).toEqual(payload(100, 7));
    const [file] = filesIn(dir);
    expect(file).toBe(store.pathOf('alpha'));
    expect(file).toMatch(/[0-9a-f]{2}[/\\][0-9a-f]{30}$/);
    expect(await store.has('alpha')).toBe(true);
    expect(await store.get('beta')).toBeUndefined();
    expect(store.stats()).toMatchObject({ hits: 2, misses: 1, entries: 1 });
  });

  it('sync and async paths read each other', () => {
    expect(store.writeSync('k', payload(10, 1))).toBe(true);
    expect(store.readSync('k')?.payload).toEqual(payload(10, 1));
    expect(store.readSync('missing')).toBeUndefined();
  });

  it('leaves no temp files behind', async () => {
    for (let i = 0; i < 20; i++) await store.set(`k${i}`, payload(50, i));
    expect(filesIn(dir).some((file) => file.includes('.tmp-'))).toBe(false);
    expect(filesIn(dir)).toHaveLength(20);
  });

  it('treats a truncated file as a miss and deletes it', async () => {
    await store.set('k', payload(1000, 3));
    const file = store.pathOf('k');
    truncateSync(file, statSync(file).size - 10);
    expect(await store.get('k')).toBeUndefined();
    expect(() => statSync(file)).toThrow(/ENOENT/);
    expect(store.stats().corrupt).toBe(1);
  });

  it('treats a file with a flipped payload byte, a bad header or garbage as a miss and deletes it', async () => {
    for (const [index, damage] of [
      (bytes: Buffer) => {
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
      },
      (bytes: Buffer) => {
        bytes[0] = 0;
      },
      (bytes: Buffer) => {
        bytes.writeUInt32LE(5, 8); // key length no longer matches the file
      },
    ].entries()) {
      const key = `k${index}`;
      await store.set(key, payload(500, 9));
      const file = store.pathOf(key);
      const bytes = readFileSync(file);
      damage(bytes);
      writeFileSync(file, bytes);
      expect(store.readSync(key)).toBeUndefined();
      expect(() => statSync(file)).toThrow(/ENOENT/);
    }
    await store.set('g', payload(5, 1));
    writeFileSync(store.pathOf('g'), 'not an entry');
    expect(await store.get('g')).toBeUndefined();
    expect(() => statSync(store.pathOf('g'))).toThrow(/ENOENT/);
    expect(store.stats().corrupt).toBe(4);
  });

  it('treats a file deleted by someone else as a plain miss', async () => {
    await store.set('k', payload(10, 1));
    rmSync(store.pathOf('k'));
    expect(await store.get('k')).toBeUndefined();
    expect(store.stats().corrupt).toBe(0);
  });

  it('expires entries by TTL: a miss, and the file is deleted', async () => {
    await store.set('short', payload(10, 1), { ttlMs: 1 });
    await store.set('long', payload(10, 2), { ttlMs: 3_600_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.get('short')).toBeUndefined();
    expect(() => statSync(store.pathOf('short'))).toThrow(/ENOENT/);
    expect(await store.get('long')).toEqual(payload(10, 2));
    expect((await store.read('long'))?.expiresAt).toBeGreaterThan(Date.now());
  });

  it('pruneExpired deletes expired entries only', async () => {
    await store.set('a', payload(10, 1), { ttlMs: 1 });
    await store.set('b', payload(10, 1), { ttlMs: 1 });
    await store.set('c', payload(10, 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.pruneExpired()).toBe(2);
    expect(filesIn(dir)).toEqual([store.pathOf('c')]);
  });

  it('keeps the size cap, evicting least recently used files first', async () => {
    await store.dispose();
    store = createDiskStore({ dir, maxBytes: 20_000 });
    await store.set('keep', payload(1_000, 1));
    for (let i = 0; i < 60; i++) {
      await store.set(`k${i}`, payload(1_000, i));
      // Reading refreshes the file's access time, so 'keep' stays the most recent.
      expect(await store.get('keep')).toEqual(payload(1_000, 1));
      expect(bytesOnDisk(dir)).toBeLessThanOrEqual(20_000);
    }
    expect(await store.get('k0')).toBeUndefined();
    expect(await store.get('k59')).toEqual(payload(1_000, 59));
    expect(store.stats().evictions).toBeGreaterThan(30);
    expect(store.stats().bytes).toBe(bytesOnDisk(dir));
  });

  it('refuses an entry larger than the cap without failing', async () => {
    await store.dispose();
    store = createDiskStore({ dir, maxBytes: 100 });
    expect(await store.write('big', payload(200, 1))).toBe(false);
    expect(await store.get('big')).toBeUndefined();
  });

  it('counts a failed write instead of throwing', async () => {
    writeFileSync(
      join(dir, store.pathOf('x').split(/[/\\]/).at(-2) as string),
      'a file where a shard dir goes',
    );
    expect(await store.write('x', payload(10, 1))).toBe(false);
    expect(store.writeSync('x', payload(10, 1))).toBe(false);
    expect(store.stats().writeErrors).toBe(2);
  });

  it('deleteWhere, delete and clear remove entries', async () => {
    for (const key of ['fit:1', 'fit:2', 'predict:1']) await store.set(key, payload(10, 1));
    expect(await store.deleteWhere((key) => key.startsWith('fit:'))).toBe(2);
    expect(await store.get('predict:1')).toEqual(payload(10, 1));
    expect(await store.delete('predict:1')).toBe(true);
    expect(await store.delete('predict:1')).toBe(false);
    await store.set('z', payload(10, 1));
    await store.clear();
    expect(filesIn(dir)).toEqual([]);
    expect(store.stats()).toMatchObject({ bytes: 0, entries: 0 });
  });

  it('validates options and refuses use after dispose', async () => {
    expect(() => createDiskStore({ dir, maxBytes: 0 })).toThrow(InvalidInputError);
    expect(() => createDiskStore({ dir, maxBytes: 0 })).toThrow(
      'options.maxBytes must be a positive integer, got 0',
    );
    expect(() => createDiskStore({ dir: '', maxBytes: 1 })).toThrow('options.dir must be a non-empty path');
    expect(() => createDiskStore({ dir, maxBytes: 1, ttlMs: -1 })).toThrow(
      'options.ttlMs must be a positive finite number, got -1',
    );
    await store.dispose();
    await expect(store.get('k')).rejects.toThrow(CacheError);
  });
});
