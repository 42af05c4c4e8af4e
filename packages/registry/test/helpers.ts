import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openRegistry, type Registry } from '../src/registry.js';
import type { OpenRegistryOptions } from '../src/types.js';

/** Fresh registries in temp directories, closed and removed after each test. */
export function useTempRegistries(): {
  open(options?: Partial<OpenRegistryOptions>): Registry;
  tempDir(): string;
} {
  const dirs: string[] = [];
  const registries: Registry[] = [];
  afterEach(() => {
    for (const registry of registries.splice(0)) registry.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'toolbox-registry-test-'));
    dirs.push(dir);
    return dir;
  };
  return {
    tempDir,
    open(options = {}) {
      const registry = openRegistry({ dir: options.dir ?? tempDir(), ...options });
      registries.push(registry);
      return registry;
    },
  };
}
