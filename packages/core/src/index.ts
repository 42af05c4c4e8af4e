export type { SystemStatus, Toolbox } from './create-toolbox.js';
export { createToolbox } from './create-toolbox.js';
