/**
 * Roughly how many bytes `value` takes in structured-clone form: typed arrays by their
 * length, numbers 9, strings their length plus a header, containers the sum of their
 * parts. Stops walking after `budget` nodes and extrapolates. Cheap enough to run on
 * every dry run, unlike serializing the sample.
 */
export function estimateBytes(value: unknown, budget = 2_000): number {
  let visited = 0;
  let counted = 0;
  const walk = (node: unknown): number => {
    visited++;
    if (node === null || node === undefined || typeof node === 'boolean') return 1;
    if (typeof node === 'number') return 9;
    if (typeof node === 'bigint') return 16;
    if (typeof node === 'string') return node.length + 5;
    if (typeof node !== 'object') return 1;
    if (ArrayBuffer.isView(node)) return node.byteLength + 16;
    if (node instanceof ArrayBuffer || node instanceof SharedArrayBuffer) return node.byteLength + 8;
    let bytes = 8;
    const children: unknown[] = Array.isArray(node)
      ? node
      : node instanceof Map
        ? [...node.entries()]
        : node instanceof Set
          ? [...node]
          : Object.entries(node);
    for (const child of children) {
      if (visited >= budget) {
        // Extrapolate from what was walked.
        return bytes + (children.length - counted) * (bytes / Math.max(1, counted));
      }
      bytes += walk(child);
      counted++;
    }
    return bytes;
  };
  return walk(value);
}
