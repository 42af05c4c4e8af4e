import { closeSync, openSync, readSync } from 'node:fs';

/**
 * A kernel text file (`/proc`, cgroupfs) kept open and re-read from offset 0 into one
 * reused buffer: no open/close, no string decoding, no allocation per read.
 */
export class ProcFile {
  readonly path: string;
  /** Bytes of the last successful read, valid up to `length`. */
  readonly buffer: Buffer;
  length = 0;
  #fd: number | undefined;

  private constructor(path: string, fd: number, bufferBytes: number) {
    this.path = path;
    this.#fd = fd;
    this.buffer = Buffer.allocUnsafe(bufferBytes);
  }

  /** Opens `path`, or returns `undefined` when it does not exist or cannot be read. */
  static open(path: string, bufferBytes = 4096): ProcFile | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return undefined;
    }
    const file = new ProcFile(path, fd, bufferBytes);
    if (file.read()) return file;
    file.close();
    return undefined;
  }

  /** Re-reads the file; false when the read failed (the cgroup went away, the fd was closed). */
  read(): boolean {
    if (this.#fd === undefined) return false;
    try {
      this.length = readSync(this.#fd, this.buffer, 0, this.buffer.length, 0);
      return true;
    } catch {
      this.length = 0;
      return false;
    }
  }

  close(): void {
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
    } catch {
      // Already closed by the OS; nothing left to release.
    }
    this.#fd = undefined;
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MINUS = 0x2d;
const DOT = 0x2e;

/** Result of a parse: the number and the offset just after it (reused to avoid allocation). */
export interface NumberCursor {
  value: number;
  end: number;
}

/**
 * Parses the decimal integer starting at or after `start` (skipping spaces and tabs) in
 * `buffer[0, length)`. `value` is NaN when no digits follow (e.g. the word `max`).
 */
export function parseIntAt(
  buffer: Buffer,
  length: number,
  start: number,
  cursor: NumberCursor,
): NumberCursor {
  let i = start;
  while (i < length && (buffer[i] === SPACE || buffer[i] === TAB)) i++;
  let sign = 1;
  if (buffer[i] === MINUS) {
    sign = -1;
    i++;
  }
  const first = i;
  let value = 0;
  while (i < length) {
    const byte = buffer[i] as number;
    if (byte < DIGIT_0 || byte > DIGIT_9) break;
    value = value * 10 + (byte - DIGIT_0);
    i++;
  }
  cursor.value = i === first ? Number.NaN : sign * value;
  cursor.end = i;
  return cursor;
}

/**
 * The integer after `key` (which includes its separator, e.g. `MemAvailable:` or
 * `usage_usec `) on a line of its own, or NaN when the key is absent.
 */
export function parseKeyed(buffer: Buffer, length: number, key: Buffer, cursor: NumberCursor): number {
  let at = buffer.indexOf(key, 0);
  // The key must start a line: `inactive_file` must not match inside `total_inactive_file`.
  while (at > 0 && buffer[at - 1] !== NEWLINE) at = buffer.indexOf(key, at + 1);
  if (at < 0 || at >= length) return Number.NaN;
  return parseIntAt(buffer, length, at + key.length, cursor).value;
}

/** Parses the decimal number (optionally with a fraction, e.g. `0.52`) at or after `start`; NaN when none. */
export function parseDecimalAt(
  buffer: Buffer,
  length: number,
  start: number,
  cursor: NumberCursor,
): NumberCursor {
  parseIntAt(buffer, length, start, cursor);
  if (Number.isNaN(cursor.value) || buffer[cursor.end] !== DOT) return cursor;
  const integer = cursor.value;
  const fractionStart = cursor.end + 1;
  parseIntAt(buffer, length, fractionStart, cursor);
  if (Number.isNaN(cursor.value) || buffer[fractionStart] === SPACE) {
    cursor.value = integer;
    cursor.end = fractionStart;
  } else {
    cursor.value = integer + cursor.value / 10 ** (cursor.end - fractionStart);
  }
  return cursor;
}

/** The decimal number after `key`, e.g. `avg10=` in a PSI line; NaN if absent. */
export function parseDecimalAfter(buffer: Buffer, length: number, key: Buffer, cursor: NumberCursor): number {
  const at = buffer.indexOf(key, 0);
  if (at < 0 || at >= length) return Number.NaN;
  return parseDecimalAt(buffer, length, at + key.length, cursor).value;
}
