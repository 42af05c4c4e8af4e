import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Suite files: `packages/<name>/bench/*.bench.ts` and `apps/bench/suites/*.bench.ts`, sorted. */
export function discoverSuites(repoRoot: string): string[] {
  const directories: string[] = [join(repoRoot, 'apps', 'bench', 'suites')];
  for (const entry of safeReaddir(join(repoRoot, 'packages'))) {
    directories.push(join(repoRoot, 'packages', entry, 'bench'));
  }
  return directories
    .flatMap((directory) =>
      safeReaddir(directory)
        .filter((file) => file.endsWith('.bench.ts'))
        .map((file) => join(directory, file)),
    )
    .sort();
}

function safeReaddir(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}
