export type { UsableCoresOptions } from './usable-cores.js';
export { cgroupCpuQuota, usableCores } from './usable-cores.js';
