import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@toolbox/contracts';
import { ForbiddenError, UnauthorizedError } from './errors.js';

/** What a token may do: run batch jobs, or change the registry (promote, roll back, aliases, A/B). */
export type Scope = 'jobs' | 'registry';

export const SCOPES: readonly Scope[] = ['jobs', 'registry'];

/** A bearer token: a bare string may do everything, or list its scopes. */
export type TokenSpec = string | { token: string; scopes: Scope[] };

/** Shortest token accepted, characters: anything shorter is guessable. */
export const MIN_TOKEN_CHARS = 16;

interface Entry {
  digest: Buffer;
  scopes: ReadonlySet<Scope>;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Checks `Authorization: Bearer <token>` headers against the configured tokens. */
export interface Authorizer {
  /** Throws `UnauthorizedError` (missing or unknown token) or `ForbiddenError` (token without `scope`). */
  check(header: string | undefined, scope: Scope): void;
}

export function createAuthorizer(tokens: readonly TokenSpec[] = []): Authorizer {
  if (!Array.isArray(tokens)) {
    throw new InvalidInputError('options.auth.tokens must be an array of tokens', {
      details: { argument: 'options.auth.tokens' },
    });
  }
  const entries: Entry[] = tokens.map((spec, index) => {
    const argument = `options.auth.tokens[${index}]`;
    const token = typeof spec === 'string' ? spec : spec?.token;
    if (typeof token !== 'string' || token.length < MIN_TOKEN_CHARS || /\s/.test(token)) {
      throw new InvalidInputError(
        `${argument} must be a token of at least ${MIN_TOKEN_CHARS} characters without spaces`,
        { details: { argument } },
      );
    }
    const scopes = typeof spec === 'string' ? SCOPES : spec.scopes;
    if (!Array.isArray(scopes) || scopes.some((scope) => !SCOPES.includes(scope))) {
      throw new InvalidInputError(`${argument}.scopes must be a list of ${SCOPES.join(', ')}`, {
        details: { argument: `${argument}.scopes` },
      });
    }
    return { digest: digest(token), scopes: new Set(scopes) };
  });
  return {
    check(header, scope) {
      const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
      if (!match) {
        throw new UnauthorizedError('this route needs an Authorization: Bearer <token> header');
      }
      // Compare digests (equal lengths) with every token, in constant time per token.
      const presented = digest(match[1] as string);
      let found: Entry | undefined;
      for (const entry of entries) {
        if (timingSafeEqual(entry.digest, presented)) found = entry;
      }
      if (found === undefined) throw new UnauthorizedError('the bearer token is not valid');
      if (!found.scopes.has(scope)) {
        throw new ForbiddenError(`the bearer token does not have the ${JSON.stringify(scope)} scope`);
      }
    },
  };
}

/**
 * Tokens for the CLI: one per line of `file` (blank lines and `#` comments skipped) and
 * the comma-separated `TOOLBOX_SERVER_TOKENS` environment variable.
 */
export function readTokens(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromFile =
    file === undefined
      ? []
      : readFileSync(file, 'utf8')
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '' && !line.startsWith('#'));
  const fromEnv = (env.TOOLBOX_SERVER_TOKENS ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  return [...fromFile, ...fromEnv];
}
