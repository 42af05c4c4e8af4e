// @ts-check
import { defineConfig } from 'tsup';

/**
 * The one build preset for every published package: ESM + CJS + .d.ts/.d.cts,
 * sourcemaps, a clean dist. Keep every tsup setting here so that moving to
 * another bundler touches one file.
 *
 * @param {{ entry?: string[] | Record<string, string>, external?: string[] }} [options]
 */
export function libraryPreset(options = {}) {
  return defineConfig({
    entry: options.entry ?? ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    shims: true,
    keepNames: true,
    external: options.external ?? [],
  });
}
