import { InvalidInputError } from '@toolbox/contracts';

/** Throws `InvalidInputError` naming `name` unless `value` is a positive (integer) number. */
export function assertPositive(value: unknown, name: string, integer: boolean): void {
  const ok =
    typeof value === 'number' && value > 0 && (integer ? Number.isSafeInteger(value) : value < Infinity);
  if (!ok) {
    throw new InvalidInputError(
      `${name} must be a positive ${integer ? 'integer' : 'finite number'}, got ${String(value)}`,
      { details: { argument: name, value } },
    );
  }
}
