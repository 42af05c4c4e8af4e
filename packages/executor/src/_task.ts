import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidInputError } from '@toolbox/contracts';
import type { ModuleTask, Task, TaskFunction } from './types.js';

/** A task after validation: its module URL (module tasks) and a loader for the in-process function. */
export interface ResolvedTask {
  /** Identifies the task in metrics and records. */
  key: string;
  /** `file:` (or other) URL of the module, for workers; undefined for in-process functions. */
  href: string | undefined;
  exportName: string;
  fn: TaskFunction | undefined;
}

function moduleHref(module: string | URL, hrefs: Map<string, string> | undefined): string {
  if (module instanceof URL) return module.href;
  let href = hrefs?.get(module);
  if (href === undefined) {
    href =
      /^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)
        ? module
        : pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
    hrefs?.set(module, href);
  }
  return href;
}

/**
 * Validates a task argument; `argument` names it in errors. `hrefs` caches module paths
 * already turned into URLs (path resolution costs more than planning trivial work).
 */
export function resolveTask(task: Task, hrefs?: Map<string, string>, argument = 'task'): ResolvedTask {
  if (typeof task === 'function') {
    return { key: task.name || 'anonymous', href: undefined, exportName: task.name, fn: task };
  }
  const candidate = task as Partial<ModuleTask> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    !(typeof candidate.module === 'string' || candidate.module instanceof URL) ||
    candidate.module === '' ||
    typeof candidate.export !== 'string' ||
    candidate.export === ''
  ) {
    throw new InvalidInputError(
      `${argument} must be a function or { module: string | URL, export: string }, got ${describe(task)}`,
      { details: { argument } },
    );
  }
  const href = moduleHref(candidate.module, hrefs);
  return { key: `${href}#${candidate.export}`, href, exportName: candidate.export, fn: undefined };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  try {
    return JSON.stringify(value).slice(0, 80);
  } catch {
    return 'an object';
  }
}
