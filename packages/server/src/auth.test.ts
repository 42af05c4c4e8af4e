import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { createAuthorizer, readTokens } from './auth.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

const ADMIN = 'a'.repeat(16);
const JOBS = 'j'.repeat(20);

describe('createAuthorizer', () => {
  const authorizer = createAuthorizer([ADMIN, { token: JOBS, scopes: ['jobs'] }]);

  it('accepts a known token with the scope', () => {
    expect(() => authorizer.check(`Bearer ${ADMIN}`, 'registry')).not.toThrow();
    expect(() => authorizer.check(`bearer ${JOBS}`, 'jobs')).not.toThrow();
  });

  it('refuses a missing, malformed or unknown token (401) and a token without the scope (403)', () => {
    expect(() => authorizer.check(undefined, 'jobs')).toThrow(UnauthorizedError);
    expect(() => authorizer.check(ADMIN, 'jobs')).toThrow(UnauthorizedError);
    expect(() => authorizer.check(`Bearer ${ADMIN} extra`, 'jobs')).toThrow(UnauthorizedError);
    expect(() => authorizer.check(`Bearer ${ADMIN.slice(1)}`, 'jobs')).toThrow(/not valid/);
    expect(() => authorizer.check(`Bearer ${JOBS}`, 'registry')).toThrow(ForbiddenError);
  });

  it('without tokens refuses every protected call', () => {
    expect(() => createAuthorizer().check(`Bearer ${ADMIN}`, 'jobs')).toThrow(UnauthorizedError);
  });

  it('refuses short tokens, tokens with spaces and unknown scopes, naming the entry', () => {
    expect(() => createAuthorizer(['short'])).toThrow(
      /options.auth.tokens\[0\] must be a token of at least 16 characters/,
    );
    expect(() => createAuthorizer([ADMIN, `${ADMIN} x`])).toThrow(/options.auth.tokens\[1\]/);
    expect(() => createAuthorizer([{ token: ADMIN, scopes: ['root' as 'jobs'] }])).toThrow(InvalidInputError);
    expect(() => createAuthorizer('x' as unknown as string[])).toThrow(/must be an array/);
  });
});

describe('readTokens', () => {
  it('reads one token per line (skipping blanks and comments) and the environment variable', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'toolbox-tokens-')), 'tokens');
    writeFileSync(file, `# admins\n${ADMIN}\n\n  ${JOBS}  \n`);
    expect(readTokens(file, { TOOLBOX_SERVER_TOKENS: ' x-token-from-the-env ,,' })).toEqual([
      ADMIN,
      JOBS,
      'x-token-from-the-env',
    ]);
    expect(readTokens(undefined, {})).toEqual([]);
  });
});
