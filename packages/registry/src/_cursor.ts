import { refuse } from './_validate.js';

/**
 * Opaque paging cursors: base64url JSON of `{ k: kind, v: position }`. A cursor from
 * one search kind is refused by another, and a forged cursor only moves the position.
 */
export function encodeCursor(kind: string, position: number | string): string {
  return Buffer.from(JSON.stringify({ k: kind, v: position })).toString('base64url');
}

export function decodeCursor(cursor: unknown, kind: string, argument: string): number | string | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  if (typeof cursor !== 'string' || cursor.length > 512 || !/^[A-Za-z0-9_-]*$/.test(cursor)) {
    refuse(`${argument} is not a cursor returned by this search`, { argument });
  }
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      k?: unknown;
      v?: unknown;
    };
    if (
      decoded.k === kind &&
      (typeof decoded.v === 'string' ||
        (typeof decoded.v === 'number' && Number.isSafeInteger(decoded.v) && decoded.v >= 0))
    ) {
      return decoded.v;
    }
  } catch {
    // fall through to the refusal below
  }
  return refuse(`${argument} is not a cursor returned by this search`, { argument });
}
