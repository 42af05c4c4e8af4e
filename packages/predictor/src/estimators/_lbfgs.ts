import { dot } from '@toolbox/math';

/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4 two-loop recursion) with a
 * backtracking Armijo line search, for smooth convex objectives. Stops when the
 * largest gradient component is at most `tol` (scipy's `pgtol`, which
 * scikit-learn's `tol` maps to) or the objective stops decreasing.
 */
export interface LbfgsOptions {
  maxIter: number;
  tol: number;
  /** Correction pairs kept. Default 10. */
  memory?: number;
  /**
   * Applies, in place, a fixed symmetric positive definite M shaped like the
   * inverse Hessian: the initial inverse Hessian becomes γ·M (γ from the newest
   * pair) instead of γ·I. Default: none (M = I).
   */
  precondition?: (v: Float64Array) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  /** Largest absolute gradient component at `x`. */
  gradientMaxAbs: number;
}

/** `objective(x, gradient)` returns f(x) and writes ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/** The newest `memory` correction pairs (s, y) in a ring, with ρ = 1/sᵀy. */
class Corrections {
  readonly s: Float64Array[];
  readonly y: Float64Array[];
  readonly rho: Float64Array;
  /** yᵀ·M·y of the newest pair. */
  yMy = 1;
  count = 0;
  private next = 0;

  constructor(memory: number, n: number) {
    this.s = Array.from({ length: memory }, () => new Float64Array(n));
    this.y = Array.from({ length: memory }, () => new Float64Array(n));
    this.rho = new Float64Array(memory);
  }

  /** Slot of the k-th pair, oldest first. */
  slot(k: number): number {
    return (this.next - this.count + k + this.s.length) % this.s.length;
  }

  /** The slot the next pair is written to (overwriting the oldest when full). */
  claim(): number {
    const slot = this.next;
    this.next = (this.next + 1) % this.s.length;
    this.count = Math.min(this.count + 1, this.s.length);
    return slot;
  }

  clear(): void {
    this.count = 0;
  }
}

/** direction = −H·g by the two-loop recursion, H0 = γ·M. */
function searchDirection(
  g: Float64Array,
  pairs: Corrections,
  alpha: Float64Array,
  direction: Float64Array,
  precondition: ((v: Float64Array) => void) | undefined,
): void {
  const n = g.length;
  for (let i = 0; i < n; i++) direction[i] = -(g[i] as number);
  for (let k = pairs.count - 1; k >= 0; k--) {
    const slot = pairs.slot(k);
    const a = (pairs.rho[slot] as number) * dot(pairs.s[slot] as Float64Array, direction);
    alpha[k] = a;
    const yk = pairs.y[slot] as Float64Array;
    for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) - a * (yk[i] as number);
  }
  precondition?.(direction);
  if (pairs.count > 0) {
    // γ = sᵀy / yᵀMy of the newest pair.
    const gamma = 1 / ((pairs.rho[pairs.slot(pairs.count - 1)] as number) * pairs.yMy);
    for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * gamma;
  }
  for (let k = 0; k < pairs.count; k++) {
    const slot = pairs.slot(k);
    const b = (pairs.rho[slot] as number) * dot(pairs.y[slot] as Float64Array, direction);
    const sk = pairs.s[slot] as Float64Array;
    const a = alpha[k] as number;
    for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) + (a - b) * (sk[i] as number);
  }
}

export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const { precondition } = options;
  const pairs = new Corrections(options.memory ?? 10, n);
  const x = x0.slice();
  const g = new Float64Array(n);
  let f = objective(x, g);
  const alpha = new Float64Array(pairs.s.length);
  const direction = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const sStep = new Float64Array(n);
  const yStep = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(g) <= options.tol;
  while (!converged && iterations < options.maxIter) {
    searchDirection(g, pairs, alpha, direction, precondition);
    let slope = dot(g, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      pairs.clear();
      for (let i = 0; i < n; i++) direction[i] = -(g[i] as number);
      slope = dot(g, direction);
    }
    // Without curvature pairs the direction's length is arbitrary: start at unit length.
    let step = pairs.count === 0 ? Math.min(1, 1 / Math.sqrt(dot(direction, direction))) : 1;
    let fNew = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 40; attempt++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + step * (direction[i] as number);
      fNew = objective(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    iterations++;
    if (!(fNew < f) && !(fNew <= f + 1e-4 * step * slope)) break;
    for (let i = 0; i < n; i++) {
      sStep[i] = (xNew[i] as number) - (x[i] as number);
      yStep[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(sStep, yStep);
    const yy = dot(yStep, yStep);
    if (sy > 1e-12 * yy) {
      const slot = pairs.claim();
      const yk = pairs.y[slot] as Float64Array;
      (pairs.s[slot] as Float64Array).set(sStep);
      yk.set(yStep);
      pairs.rho[slot] = 1 / sy;
      if (precondition === undefined) pairs.yMy = yy;
      else {
        precondition(yStep);
        pairs.yMy = dot(yk, yStep);
      }
    }
    const relativeDecrease = (f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    converged = maxAbs(g) <= options.tol;
    if (!converged && relativeDecrease <= 64 * Number.EPSILON) break;
  }
  return { x, value: f, iterations, converged, gradientMaxAbs: maxAbs(g) };
}
