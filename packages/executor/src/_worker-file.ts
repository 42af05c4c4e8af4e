import { builtModule } from './built-module.js';

/** The executor's built worker entry (`dist/worker.js`). */
export function workerFile(): string {
  return builtModule(import.meta.url, 'worker.js');
}
