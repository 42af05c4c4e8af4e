export { validateName } from './names.js';
export type { Registry } from './registry.js';
export { openRegistry } from './registry.js';
export type * from './types.js';
