/**
 * The `ArrayBuffer`s behind typed arrays (top level, in arrays, or as a `DenseMatrix`'s
 * `data`) that can be moved to another thread instead of copied. Shared buffers are left
 * out: they are shared anyway.
 */
export function collectTransferables(values: readonly unknown[], into: ArrayBuffer[] = []): ArrayBuffer[] {
  for (const value of values) collect(value, into, 0);
  return into;
}

function collect(value: unknown, into: ArrayBuffer[], depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (buffer instanceof ArrayBuffer && buffer.byteLength > 0 && !into.includes(buffer)) into.push(buffer);
    return;
  }
  if (value instanceof ArrayBuffer) {
    if (!into.includes(value)) into.push(value);
    return;
  }
  if (depth > 0) return;
  if (Array.isArray(value)) {
    for (const element of value) collect(element, into, depth + 1);
    return;
  }
  const data = (value as { data?: unknown }).data;
  if (data !== undefined) collect(data, into, depth + 1);
}
