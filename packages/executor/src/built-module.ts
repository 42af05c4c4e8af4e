import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ToolboxError } from '@toolbox/contracts';

/**
 * The path of a module built beside the running file, for worker threads that must load
 * real JavaScript: `<dir of fromUrl>/<fileName>` (e.g. `dist/worker.js` beside
 * `dist/index.js` or `dist/index.cjs`), or, when running from the sources (tests, tsx),
 * the package's built `../dist/<fileName>`. Pass `import.meta.url` as `fromUrl`.
 */
export function builtModule(fromUrl: string | URL, fileName: string): string {
  for (const relative of [`./${fileName}`, `../dist/${fileName}`]) {
    const candidate = fileURLToPath(new URL(relative, fromUrl));
    if (existsSync(candidate)) return candidate;
  }
  throw new ToolboxError(
    `${fileName} not found beside ${fileURLToPath(fromUrl)} nor in ../dist; build the package first`,
    { details: { fileName } },
  );
}
