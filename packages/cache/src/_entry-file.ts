import type { Xxh128 } from './_xxh128.js';

/**
 * One disk-tier entry file:
 *
 * | offset | bytes | field                                               |
 * | -----: | ----: | --------------------------------------------------- |
 * |      0 |     4 | magic `TBC1`                                        |
 * |      4 |     2 | format version (`ENTRY_VERSION`)                    |
 * |      6 |     2 | reserved, 0                                         |
 * |      8 |     4 | key length, bytes (UTF-8)                           |
 * |     12 |     4 | reserved, 0                                         |
 * |     16 |     8 | payload length, bytes (float64)                     |
 * |     24 |     8 | expiry, ms since the epoch (float64, 0 = never)     |
 * |     32 |    16 | xxHash128 of bytes 0–31, the key and the payload    |
 * |     48 |     … | key, then payload                                   |
 */
export const HEADER_BYTES = 48;
export const ENTRY_VERSION = 1;
const MAGIC = 0x54424331; // 'TBC1'
const CHECKSUM_AT = 32;

export interface EntryContents {
  key: string;
  payload: Uint8Array;
  /** Milliseconds since the epoch; 0 when the entry never expires. */
  expiresAt: number;
}

export type ParsedEntry = EntryContents | 'corrupt';

function checksum(state: Xxh128, file: Uint8Array): Uint8Array {
  state.write(file.subarray(0, CHECKSUM_AT));
  state.write(file.subarray(HEADER_BYTES));
  return state.digest();
}

/** The complete file for an entry. */
export function encodeEntry(state: Xxh128, entry: EntryContents): Uint8Array {
  const key = Buffer.from(entry.key, 'utf8');
  const file = new Uint8Array(HEADER_BYTES + key.length + entry.payload.length);
  const view = new DataView(file.buffer);
  view.setUint32(0, MAGIC);
  view.setUint16(4, ENTRY_VERSION, true);
  view.setUint32(8, key.length, true);
  view.setFloat64(16, entry.payload.length, true);
  view.setFloat64(24, entry.expiresAt, true);
  file.set(key, HEADER_BYTES);
  file.set(entry.payload, HEADER_BYTES + key.length);
  file.set(checksum(state, file), CHECKSUM_AT);
  return file;
}

/** Expiry from the header alone (the first `HEADER_BYTES`), or `'corrupt'`. */
export function readExpiry(header: Uint8Array): number | 'corrupt' {
  if (header.length < HEADER_BYTES) return 'corrupt';
  const view = new DataView(header.buffer, header.byteOffset, HEADER_BYTES);
  if (view.getUint32(0) !== MAGIC || view.getUint16(4, true) !== ENTRY_VERSION) return 'corrupt';
  return view.getFloat64(24, true);
}

/**
 * Parses and verifies a whole file: magic, version, lengths against the file size
 * (a truncated file fails here) and the checksum. The payload is a view into `file`.
 */
export function decodeEntry(state: Xxh128, file: Uint8Array): ParsedEntry {
  const expiresAt = readExpiry(file);
  if (expiresAt === 'corrupt') return 'corrupt';
  const view = new DataView(file.buffer, file.byteOffset, HEADER_BYTES);
  const keyBytes = view.getUint32(8, true);
  const payloadBytes = view.getFloat64(16, true);
  if (HEADER_BYTES + keyBytes + payloadBytes !== file.length) return 'corrupt';
  const expected = checksum(state, file);
  const actual = file.subarray(CHECKSUM_AT, HEADER_BYTES);
  for (let i = 0; i < expected.length; i++) if (expected[i] !== actual[i]) return 'corrupt';
  const keyEnd = HEADER_BYTES + keyBytes;
  return {
    key: Buffer.from(file.buffer, file.byteOffset + HEADER_BYTES, keyBytes).toString('utf8'),
    payload: new Uint8Array(file.buffer, file.byteOffset + keyEnd, payloadBytes),
    expiresAt,
  };
}

/** True when an entry with this expiry (0 = never) has expired at `now`. */
export function isExpired(expiresAt: number, now: number): boolean {
  return expiresAt !== 0 && expiresAt <= now;
}
