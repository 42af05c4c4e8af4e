/**
 * Level-1 helpers on contiguous slices of one Float64Array: the decompositions keep
 * their matrices so that every inner loop runs over contiguous memory (columns of A
 * are rows of the work array).
 */

/** Σ buf[x + i]·buf[y + i] for i < len. */
export function dotAt(buf: Float64Array, x: number, other: Float64Array, y: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < len; i += 2) {
    s0 += (buf[x + i] as number) * (other[y + i] as number);
    s1 += (buf[x + i + 1] as number) * (other[y + i + 1] as number);
  }
  if (i < len) s0 += (buf[x + i] as number) * (other[y + i] as number);
  return s0 + s1;
}

/** other[y + i] += alpha·buf[x + i] for i < len. */
export function axpyAt(
  alpha: number,
  buf: Float64Array,
  x: number,
  other: Float64Array,
  y: number,
  len: number,
): void {
  for (let i = 0; i < len; i++) other[y + i] = (other[y + i] as number) + alpha * (buf[x + i] as number);
}

/** Plane rotation of two slices: x ← c·x + s·y, y ← c·y − s·x. */
export function rotAt(buf: Float64Array, x: number, y: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const a = buf[x + i] as number;
    const b = buf[y + i] as number;
    buf[x + i] = c * a + s * b;
    buf[y + i] = c * b - s * a;
  }
}

/** Swaps two slices of length len. */
export function swapAt(buf: Float64Array, x: number, y: number, len: number): void {
  for (let i = 0; i < len; i++) {
    const t = buf[x + i] as number;
    buf[x + i] = buf[y + i] as number;
    buf[y + i] = t;
  }
}

/**
 * Generates an elementary reflector H = I − tau·v·vᵀ (v[0] = 1) with H·x = beta·e₁ for
 * x = buf[at .. at+len) (LAPACK dlarfg). Overwrites buf[at] with beta and the rest
 * with v[1..]; returns tau (0 when x is already a multiple of e₁).
 */
export function reflector(buf: Float64Array, at: number, len: number): number {
  if (len <= 1) return 0;
  const alpha = buf[at] as number;
  let scaleNorm = 0;
  for (let i = 1; i < len; i++) scaleNorm = Math.max(scaleNorm, Math.abs(buf[at + i] as number));
  if (scaleNorm === 0) return 0;
  let sum = 0;
  for (let i = 1; i < len; i++) {
    const v = (buf[at + i] as number) / scaleNorm;
    sum += v * v;
  }
  const xnorm = scaleNorm * Math.sqrt(sum);
  const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
  const tau = (beta - alpha) / beta;
  const inv = 1 / (alpha - beta);
  for (let i = 1; i < len; i++) buf[at + i] = (buf[at + i] as number) * inv;
  buf[at] = beta;
  return tau;
}

/**
 * Applies H = I − tau·v·vᵀ (v = [1, vbuf[v+1 .. v+len)]) to the slice
 * target[t .. t+len): target ← H·target.
 */
export function applyReflector(
  tau: number,
  vbuf: Float64Array,
  v: number,
  target: Float64Array,
  t: number,
  len: number,
): void {
  const s = tau * ((target[t] as number) + dotAt(vbuf, v + 1, target, t + 1, len - 1));
  if (s === 0) return;
  target[t] = (target[t] as number) - s;
  axpyAt(-s, vbuf, v + 1, target, t + 1, len - 1);
}
