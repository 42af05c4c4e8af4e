import { InvalidInputError } from '@toolbox/contracts';
import type { ResolvedTask } from './_task.js';
import type { TaskFunction } from './types.js';

/** Loads a resolved task's function on the calling thread (for the dry run and serial runs), timing the import. */
export async function loadTask(resolved: ResolvedTask): Promise<{ fn: TaskFunction; loadMs: number }> {
  if (resolved.fn !== undefined) return { fn: resolved.fn, loadMs: 0 };
  const href = resolved.href as string;
  const startedMs = performance.now();
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(href)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidInputError(`task.module ${href} could not be loaded: ${(error as Error).message}`, {
      cause: error,
      details: { argument: 'task.module' },
    });
  }
  const fn = namespace[resolved.exportName];
  if (typeof fn !== 'function') {
    throw new InvalidInputError(
      `task.export "${resolved.exportName}" is not a function exported by ${href}`,
      {
        details: { argument: 'task.export' },
      },
    );
  }
  return { fn: fn as TaskFunction, loadMs: performance.now() - startedMs };
}
