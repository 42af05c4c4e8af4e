import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A built sibling module that workers load as real JavaScript: `dist/<name>` beside the
 * running `dist/index.js` / `dist/index.cjs`, or, from the sources (tests, tsx), the
 * package's built `../dist/<name>`.
 */
export function builtFile(name: string): string {
  for (const relative of [`./${name}`, `../dist/${name}`]) {
    const candidate = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `@toolbox/core: ${name} not found beside ${fileURLToPath(import.meta.url)}; build the package first`,
  );
}
