import { serialize } from 'node:v8';

/** Milliseconds per byte to serialize a typed array for another thread (best of 3 on a 256 KiB probe). */
export function measureCopyMsPerByte(): number {
  const probe = new Float64Array(32_768);
  const timesMs: number[] = [];
  for (let k = 0; k < 3; k++) {
    const startedMs = performance.now();
    serialize(probe);
    timesMs.push(performance.now() - startedMs);
  }
  return Math.min(...timesMs) / probe.byteLength;
}
