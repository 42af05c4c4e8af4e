#!/usr/bin/env node
// @ts-check
/**
 * The dependency rule of DESIGN.md §1, checked on every workspace package:
 * - a package may import a sibling only along an edge of the rule;
 * - every package its source imports is declared (runtime code: dependencies or
 *   peerDependencies; tests and benches: also devDependencies or the root's);
 * - a published package's runtime dependencies are its allowed siblings and the
 *   external libraries the design names for it (anything else is an optional peer).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @type {Record<string, string[]>} siblings each package may depend on at run time */
export const ALLOWED_SIBLINGS = {
  contracts: [],
  math: ['contracts'],
  predictor: ['contracts', 'math'],
  monitor: ['contracts'],
  cache: ['contracts'],
  executor: ['contracts'],
  registry: ['contracts'],
  core: ['contracts', 'math', 'monitor', 'cache', 'predictor', 'executor', 'registry'],
  server: ['contracts', 'core'],
};

/** @type {Record<string, string[]>} external runtime dependencies the design names per package */
export const ALLOWED_EXTERNALS = {
  contracts: [],
  math: [],
  predictor: [],
  monitor: ['systeminformation'],
  cache: ['lru-cache', 'hash-wasm', 'xxhash-wasm'],
  executor: ['piscina'],
  registry: ['better-sqlite3', 'semver'],
  core: [],
  server: ['fastify', '@fastify/*'],
};

const SCOPE = '@toolbox/';
const BUILTINS = new Set(builtinModules);
const IMPORT_PATTERNS = [
  // import 'x';  (side effect, at the start of a line)
  /^\s*import\s+['"]([^'"]+)['"]/gm,
  // import a, { b } from 'x';  export { c } from 'x';  import type { D } from 'x';
  /^\s*(?:import|export)\s+(?:type\s+)?[^'"`;]*?\sfrom\s+['"]([^'"]+)['"]/gm,
  // await import('x');  require('x');
  /(?:^|[^.\w$])(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm,
];

/** @param {string} specifier */
function packageName(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
    return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  return name && !BUILTINS.has(name) ? name : undefined;
}

/** @param {string} source */
export function importedPackages(source) {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const names = new Set();
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of withoutComments.matchAll(pattern)) {
      const name = packageName(match[1] ?? '');
      if (name) names.add(name);
    }
  }
  return names;
}

/** @param {string} directory @returns {string[]} */
function sourceFiles(directory) {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory())
      return entry === 'node_modules' || entry === 'dist' ? [] : sourceFiles(path);
    return /\.(?:[cm]?[jt]s|tsx)$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** @param {string} file */
function isTestOrBench(file) {
  return /\.(?:test|bench|test-d)\.[cm]?[jt]s$/.test(file) || /[\\/](?:bench|test|fixtures)[\\/]/.test(file);
}

/** @param {string[]} patterns @param {string} name */
function matchesAny(patterns, name) {
  return patterns.some((pattern) =>
    pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name,
  );
}

/**
 * @param {string} repoRoot
 * @returns {string[]} one message per violation
 */
export function checkDependencies(repoRoot) {
  const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const rootDev = new Set(Object.keys(rootManifest.devDependencies ?? {}));
  /** @type {string[]} */
  const violations = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(repoRoot, group);
    if (!existsSync(groupDir)) continue;
    for (const directory of readdirSync(groupDir)) {
      const packageDir = join(groupDir, directory);
      const manifestPath = join(packageDir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      const isApp = group === 'apps';
      const short = String(manifest.name).replace(SCOPE, '');
      const runtime = new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
        ...Object.keys(manifest.optionalDependencies ?? {}),
      ]);
      const dev = new Set(Object.keys(manifest.devDependencies ?? {}));
      const siblings = ALLOWED_SIBLINGS[short];
      if (!isApp && siblings === undefined) {
        violations.push(`${manifest.name}: not in the dependency rule of DESIGN.md §1`);
        continue;
      }
      if (!isApp) {
        for (const name of Object.keys(manifest.dependencies ?? {})) {
          if (name.startsWith(SCOPE)) {
            if (!siblings?.includes(name.slice(SCOPE.length))) {
              violations.push(
                `${manifest.name}: depends on ${name}, which the dependency rule does not allow`,
              );
            }
          } else if (!matchesAny(ALLOWED_EXTERNALS[short] ?? [], name)) {
            violations.push(
              `${manifest.name}: runtime dependency ${name} is not named for this package in DESIGN.md (make it an optional peer behind a sub-path export)`,
            );
          }
        }
      }
      for (const file of sourceFiles(packageDir)) {
        const relativeFile = relative(repoRoot, file);
        const testOnly =
          isTestOrBench(relativeFile) || /(?:^|[\\/])[^\\/]*\.config\.[cm]?[jt]s$/.test(relativeFile);
        for (const name of importedPackages(readFileSync(file, 'utf8'))) {
          if (name === manifest.name) continue;
          if (
            !isApp &&
            !testOnly &&
            name.startsWith(SCOPE) &&
            !siblings?.includes(name.slice(SCOPE.length))
          ) {
            violations.push(
              `${relativeFile}: imports ${name}, which the dependency rule does not allow for ${manifest.name}`,
            );
            continue;
          }
          const declared = runtime.has(name) || (testOnly && (dev.has(name) || rootDev.has(name)));
          if (!declared) {
            violations.push(
              `${relativeFile}: imports ${name}, which ${manifest.name} does not declare in ${testOnly ? 'its dependencies or devDependencies' : 'dependencies or peerDependencies'}`,
            );
          }
        }
      }
    }
  }
  return violations;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repoRoot = process.argv[2] ?? process.cwd();
  const violations = checkDependencies(repoRoot);
  if (violations.length > 0) {
    process.stderr.write(
      `Dependency rule violations (DESIGN.md §1):\n${violations.map((v) => `  - ${v}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write('dependency rule: ok\n');
}
