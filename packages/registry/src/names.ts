import { InvalidInputError } from '@toolbox/contracts';

const NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Checks a model, alias or tag name: 1–128 characters of `[A-Za-z0-9._-]`, not `.`
 * or `..` and without `..` inside, so a name can never escape the registry's
 * directory when it is used in a path. Returns the name; throws `InvalidInputError`
 * naming `argument` otherwise.
 */
export function validateName(name: unknown, argument = 'name'): string {
  if (typeof name !== 'string') {
    throw new InvalidInputError(`${argument} must be a string, got ${name === null ? 'null' : typeof name}`, {
      details: { argument },
    });
  }
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidInputError(
      `${argument} ${JSON.stringify(name.slice(0, 140))} must be 1-128 characters of letters, digits, '.', '_' or '-'`,
      { details: { argument, value: name } },
    );
  }
  if (name.includes('..') || name === '.') {
    throw new InvalidInputError(`${argument} ${JSON.stringify(name)} must not be '.' or contain '..'`, {
      details: { argument, value: name },
    });
  }
  return name;
}
