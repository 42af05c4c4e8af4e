/** A duration in milliseconds in the unit that reads best: `0.2 µs`, `1.50 ms`, `2.3 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) {
    const us = ms * 1000;
    return `${us.toFixed(us < 10 ? 2 : us < 100 ? 1 : 0)} µs`;
  }
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A byte count as `512 B`, `1.0 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
