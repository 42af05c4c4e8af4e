import { RegistryError } from '@toolbox/contracts';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Checks a model, alias, experiment, tag, parameter or metric name: a letter or digit
 * followed by at most 127 letters, digits, `.`, `_` or `-` (`[A-Za-z0-9][A-Za-z0-9._-]{0,127}`).
 * A name can therefore never be empty, start with `.`, contain a path separator or a
 * NUL byte, or escape a directory when used in a path. Returns the name; throws
 * `RegistryError` naming `argument` otherwise.
 */
export function validateName(name: unknown, argument = 'name'): string {
  if (typeof name !== 'string') {
    throw new RegistryError(`${argument} must be a string, got ${name === null ? 'null' : typeof name}`, {
      details: { argument },
    });
  }
  if (!NAME_PATTERN.test(name)) {
    const shown =
      name.length > 40
        ? `${JSON.stringify(name.slice(0, 40))}... (${name.length} characters)`
        : JSON.stringify(name);
    throw new RegistryError(
      `${argument} ${shown} must start with a letter or digit and be 1-128 characters of letters, digits, '.', '_' or '-'`,
      { details: { argument, length: name.length } },
    );
  }
  return name;
}
