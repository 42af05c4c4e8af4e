/** One side of a comparison: a named function timed per call. */
export interface BenchFunction {
  /** What is run, e.g. `'ml-matrix mmul'`. */
  name: string;
  /** The timed call. May return a promise; it is awaited. */
  fn: () => unknown;
  /**
   * `fn` times its own work (e.g. in a child process, leaving out start-up) and resolves
   * to the milliseconds that work took; the runner takes that number as the sample, one
   * call per batch, instead of its own clock.
   */
  selfTimed?: boolean;
}

/** What the design promises for a case, judged in the report as met / not met. */
export interface BenchTarget {
  /** Minimum speedup: baseline median time / candidate median time. */
  minSpeedup?: number;
  /** Maximum candidate median time per call, in milliseconds. */
  maxMedianMs?: number;
  /** The row of DESIGN.md §4 this target comes from. */
  label: string;
  /**
   * A further condition judged after measuring (e.g. equal scores): the target is met
   * only when this is met too; `detail` is printed beside the verdict.
   */
  check?: () => { met: boolean; detail: string };
}

/** A candidate measured beside its named baseline in the same process. */
export interface BenchCase {
  name: string;
  baseline: BenchFunction;
  candidate: BenchFunction;
  /** Work done per call, to report a rate (e.g. `{ amount: 2 * n ** 3, unit: 'FLOP' }`). */
  work?: { amount: number; unit: string };
  target?: BenchTarget;
  /**
   * Builds what this case needs (inputs, pools, warm-ups). Run once, only when `--filter`
   * selects the case, just before it is measured. Resolving to `{ skip: reason }` reports
   * the case as not measured instead (any other value is ignored).
   */
  setup?: () => unknown;
}

export interface BenchContext {
  /** `--quick`: smaller inputs, shorter sampling. */
  quick: boolean;
}

export interface BenchSuite {
  /** Suite name, usually the package, e.g. `'math'`. */
  name: string;
  /** Declares the cases; put expensive set-up in each case's `setup` so that `--filter` skips it. */
  cases: (context: BenchContext) => BenchCase[] | Promise<BenchCase[]>;
  /** Releases what `cases` created (pools, temp dirs). */
  teardown?: () => unknown;
}

export declare function defineSuite<T extends BenchSuite>(suite: T): T;
