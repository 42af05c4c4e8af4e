import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDependencies, importedPackages } from '../src/check-deps.js';

/** Writes a throw-away workspace: `files` maps relative paths to contents (objects become JSON). */
function workspace(files: Record<string, string | object>): string {
  const root = mkdtempSync(join(tmpdir(), 'toolbox-deps-'));
  const all = { 'package.json': { name: 'fixture', devDependencies: { vitest: '*' } }, ...files };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const contracts = { 'packages/contracts/package.json': { name: '@toolbox/contracts' } };

describe('check-deps', () => {
  it('passes on the real repository', () => {
    expect(checkDependencies(resolve(import.meta.dirname, '..', '..', '..'))).toEqual([]);
  });

  it('passes a fixture that follows the rule', () => {
    const root = workspace({
      ...contracts,
      'packages/math/package.json': { name: '@toolbox/math', dependencies: { '@toolbox/contracts': '*' } },
      'packages/math/src/index.ts':
        "import { ShapeError } from '@toolbox/contracts';\nimport { join } from 'node:path';\n",
      'packages/math/src/index.test.ts': "import { it } from 'vitest';\n",
    });
    expect(checkDependencies(root)).toEqual([]);
  });

  it('fails when a package imports a sibling outside the rule', () => {
    const root = workspace({
      ...contracts,
      'packages/monitor/package.json': {
        name: '@toolbox/monitor',
        dependencies: { '@toolbox/contracts': '*' },
      },
      'packages/math/package.json': {
        name: '@toolbox/math',
        dependencies: { '@toolbox/contracts': '*', '@toolbox/monitor': '*' },
      },
      'packages/math/src/kernels.ts': "import {\n  snapshot,\n} from '@toolbox/monitor';\n",
    });
    const violations = checkDependencies(root);
    expect(violations).toContain(
      '@toolbox/math: depends on @toolbox/monitor, which the dependency rule does not allow',
    );
    expect(violations).toContain(
      'packages/math/src/kernels.ts: imports @toolbox/monitor, which the dependency rule does not allow for @toolbox/math',
    );
  });

  it('fails on an import the package does not declare, and on a dev dependency used at run time', () => {
    const root = workspace({
      ...contracts,
      'packages/cache/package.json': {
        name: '@toolbox/cache',
        dependencies: { '@toolbox/contracts': '*' },
        devDependencies: { 'lru-cache': '*' },
      },
      'packages/cache/src/index.ts': "export const load = () => import('lru-cache');\nrequire('ms');\n",
    });
    expect(checkDependencies(root)).toEqual([
      'packages/cache/src/index.ts: imports lru-cache, which @toolbox/cache does not declare in dependencies or peerDependencies',
      'packages/cache/src/index.ts: imports ms, which @toolbox/cache does not declare in dependencies or peerDependencies',
    ]);
  });

  it('fails on a runtime dependency the design does not name for the package', () => {
    const root = workspace({
      ...contracts,
      'packages/monitor/package.json': { name: '@toolbox/monitor', dependencies: { ioredis: '*' } },
    });
    expect(checkDependencies(root)).toEqual([
      '@toolbox/monitor: runtime dependency ioredis is not named for this package in DESIGN.md (make it an optional peer behind a sub-path export)',
    ]);
  });

  it('lets apps depend on any package', () => {
    const root = workspace({
      ...contracts,
      'apps/demo/package.json': { name: '@toolbox/demo', dependencies: { '@toolbox/contracts': '*' } },
      'apps/demo/src/main.ts': "import '@toolbox/contracts';\n",
    });
    expect(checkDependencies(root)).toEqual([]);
  });

  it('reads import, export-from, dynamic import and require; skips builtins and relative paths', () => {
    const names = importedPackages(
      [
        "import a from 'alpha';",
        "import type { B } from '@scope/beta/sub';",
        "export { c } from 'gamma';",
        "const d = await import('delta');",
        "const e = require('epsilon');",
        "import { f } from './local.js';",
        "import { readFileSync } from 'fs';",
        "import { join } from 'node:path';",
        "// import x from 'commented';",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test, not a template
        "throw new Error(`module does not export '${name}'`);",
        'const message = "cannot import \'zeta\' here";',
        "import 'side-effect';",
      ].join('\n'),
    );
    expect([...names].sort()).toEqual(['@scope/beta', 'alpha', 'delta', 'epsilon', 'gamma', 'side-effect']);
  });
});
