import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built worker entry beside the running file: `dist/worker.js` from `dist/index.js` or
 * `dist/index.cjs`; from the sources (tests, benches under tsx) the built `../dist/worker.js`.
 */
export function workerFile(): string {
  for (const relative of ['./worker.js', '../dist/worker.js']) {
    const candidate = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `@toolbox/executor: worker entry not found beside ${fileURLToPath(import.meta.url)}; build the package first`,
  );
}
