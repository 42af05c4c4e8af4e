import { refuse } from './_validate.js';

const BLOCK = 512;

/**
 * A minimal POSIX ustar writer and reader for registry bundles: regular files only, so a
 * bundle opens with any `tar` tool. The reader never turns an entry name into a path.
 */
export function writeTar(entries: { name: string; bytes: Uint8Array }[], mtimeSeconds: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const { name, bytes } of entries) {
    const header = new Uint8Array(BLOCK);
    const put = (text: string, offset: number, length: number): void => {
      header.set(Buffer.from(text, 'ascii').subarray(0, length), offset);
    };
    const octal = (value: number, length: number): string =>
      `${value.toString(8).padStart(length - 1, '0')}\0`;
    put(name, 0, 100);
    put(octal(0o644, 8), 100, 8);
    put(octal(0, 8), 108, 8);
    put(octal(0, 8), 116, 8);
    put(octal(bytes.byteLength, 12), 124, 12);
    put(octal(Math.floor(mtimeSeconds), 12), 136, 12);
    put('        ', 148, 8);
    put('0', 156, 1);
    put('ustar\u000000', 257, 8);
    let sum = 0;
    for (const byte of header) sum += byte;
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(header, bytes);
    const padding = (BLOCK - (bytes.byteLength % BLOCK)) % BLOCK;
    if (padding) blocks.push(new Uint8Array(padding));
  }
  blocks.push(new Uint8Array(BLOCK * 2));
  return Buffer.concat(blocks);
}

export function readTar(archive: Uint8Array, maxEntries: number): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  let offset = 0;
  const text = (start: number, length: number): string => {
    const raw = Buffer.from(archive.buffer, archive.byteOffset + start, length).toString('latin1');
    const end = raw.indexOf('\0');
    return end < 0 ? raw : raw.slice(0, end);
  };
  while (offset + BLOCK <= archive.byteLength) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return entries;
    let sum = 0;
    for (let index = 0; index < BLOCK; index++)
      sum += index >= 148 && index < 156 ? 32 : (header[index] as number);
    const stored = Number.parseInt(text(offset + 148, 8).trim(), 8);
    if (stored !== sum) refuse('bundle is not a valid tar archive: header checksum mismatch', { offset });
    const name = text(offset, 100);
    const size = Number.parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = text(offset + 156, 1);
    if (!Number.isSafeInteger(size) || size < 0 || offset + BLOCK + size > archive.byteLength) {
      refuse('bundle is truncated or has an invalid entry size', { offset, name });
    }
    if (type === '0' || type === '') {
      if (entries.has(name)) refuse(`bundle has a duplicate entry ${JSON.stringify(name)}`, { name });
      entries.set(name, archive.subarray(offset + BLOCK, offset + BLOCK + size));
      if (entries.size > maxEntries) refuse(`bundle has more than ${maxEntries} entries`, {});
    }
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return refuse('bundle is truncated: no end-of-archive marker', {});
}
