import { InvalidInputError } from '@toolbox/contracts';
import { optionalNumberInRange, optionalPositiveInteger } from './_validate.js';

/** The limits the governor keeps work within (seed 002: CPU 80 %, memory 85 %, 4 heavy operations). */
export interface ResourceLimits {
  /** Above this CPU percentage (of the usable cores) new work is reduced or waits; default 80. */
  maxCpuPercent: number;
  /** Above this memory percentage (of the effective limit) new work waits; default 85. */
  maxMemoryPercent: number;
  /** Most heavy operations (`TASK_PROFILES[type].heavy`) admitted at once; default 4. */
  maxHeavyOperations: number;
}

export const DEFAULT_LIMITS: Readonly<ResourceLimits> = Object.freeze({
  maxCpuPercent: 80,
  maxMemoryPercent: 85,
  maxHeavyOperations: 4,
});

/** Fills in defaults and validates; throws `InvalidInputError` naming the bad option. */
export function resolveLimits(
  limits: Partial<ResourceLimits> | undefined,
  name = 'options.limits',
): ResourceLimits {
  if (limits !== undefined && (typeof limits !== 'object' || limits === null))
    throw new InvalidInputError(`${name} must be an object, got ${String(limits)}`, {
      details: { argument: name },
    });
  return {
    maxCpuPercent:
      optionalNumberInRange(limits?.maxCpuPercent, `${name}.maxCpuPercent`, 1, 100) ??
      DEFAULT_LIMITS.maxCpuPercent,
    maxMemoryPercent:
      optionalNumberInRange(limits?.maxMemoryPercent, `${name}.maxMemoryPercent`, 1, 100) ??
      DEFAULT_LIMITS.maxMemoryPercent,
    maxHeavyOperations:
      optionalPositiveInteger(limits?.maxHeavyOperations, `${name}.maxHeavyOperations`) ??
      DEFAULT_LIMITS.maxHeavyOperations,
  };
}
