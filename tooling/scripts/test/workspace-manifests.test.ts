import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

interface Manifest {
  name: string;
  private?: boolean;
  publishConfig?: unknown;
  sideEffects?: boolean;
  files?: string[];
  engines?: unknown;
  exports: Record<string, unknown>;
  scripts: Record<string, string>;
}

function manifests(group: string): Array<{ dir: string; manifest: Manifest }> {
  return readdirSync(join(repoRoot, group)).map((dir) => ({
    dir: `${group}/${dir}`,
    manifest: JSON.parse(readFileSync(join(repoRoot, group, dir, 'package.json'), 'utf8')),
  }));
}

describe('workspace manifests', () => {
  it('publishes every library package, dual ESM + CJS with types per condition', () => {
    const libraries = manifests('packages');
    expect(libraries.map(({ manifest }) => manifest.name)).toEqual(
      expect.arrayContaining([
        '@toolbox/contracts',
        '@toolbox/math',
        '@toolbox/monitor',
        '@toolbox/cache',
        '@toolbox/predictor',
        '@toolbox/executor',
        '@toolbox/registry',
        '@toolbox/core',
      ]),
    );
    for (const { dir, manifest } of libraries) {
      expect(manifest.private, dir).toBeUndefined();
      expect(manifest.publishConfig, dir).toEqual({ access: 'public' });
      expect(manifest.sideEffects, dir).toBe(false);
      expect(manifest.files, dir).toContain('dist');
      expect(manifest.engines, dir).toEqual({ node: '>=20' });
      expect(manifest.exports['.'], dir).toEqual({
        import: { types: './dist/index.d.ts', default: './dist/index.js' },
        require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
      });
      expect(Object.keys(manifest.scripts), dir).toEqual(
        expect.arrayContaining(['build', 'typecheck', 'test', 'lint:pkg']),
      );
      // every sub-path export is dual too, with types per condition
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        if (subpath === './package.json') continue;
        expect(Object.keys(target as object), `${dir} ${subpath}`).toEqual(['import', 'require']);
      }
    }
  });

  it('never publishes the apps or the tooling', () => {
    for (const { dir, manifest } of [...manifests('apps'), ...manifests('tooling')]) {
      expect(manifest.private, dir).toBe(true);
    }
    const changesets = JSON.parse(readFileSync(join(repoRoot, '.changeset', 'config.json'), 'utf8'));
    expect(changesets.ignore).toEqual(
      expect.arrayContaining(manifests('apps').map(({ manifest }) => manifest.name)),
    );
    expect(changesets.access).toBe('public');
  });
});
