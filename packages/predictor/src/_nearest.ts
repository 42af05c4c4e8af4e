/**
 * Puts `(value, index)` into the ascending lists `values`/`indices` (the k nearest so
 * far), moving it up from slot `from` and dropping what was there; ties keep the entry
 * that came first.
 */
export function insertNearest(
  values: Float64Array,
  indices: Int32Array,
  from: number,
  value: number,
  index: number,
): void {
  let at = from;
  while (at > 0 && (values[at - 1] as number) > value) {
    values[at] = values[at - 1] as number;
    indices[at] = indices[at - 1] as number;
    at--;
  }
  values[at] = value;
  indices[at] = index;
}
