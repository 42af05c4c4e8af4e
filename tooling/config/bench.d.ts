/** One side of a comparison: a named function timed per call. */
export interface BenchFunction {
  /** What is run, e.g. `'ml-matrix mmul'`. */
  name: string;
  /** The timed call. May return a promise; it is awaited. */
  fn: () => unknown;
}

/** What the design promises for a case, judged in the report as met / not met. */
export interface BenchTarget {
  /** Minimum speedup: baseline median time / candidate median time. */
  minSpeedup?: number;
  /** Maximum candidate median time per call, in milliseconds. */
  maxMedianMs?: number;
  /** The row of DESIGN.md §4 this target comes from. */
  label: string;
}

/** A candidate measured beside its named baseline in the same process. */
export interface BenchCase {
  name: string;
  baseline: BenchFunction;
  candidate: BenchFunction;
  /** Work done per call, to report a rate (e.g. `{ amount: 2 * n ** 3, unit: 'FLOP' }`). */
  work?: { amount: number; unit: string };
  target?: BenchTarget;
}

export interface BenchContext {
  /** `--quick`: smaller inputs, shorter sampling. */
  quick: boolean;
}

export interface BenchSuite {
  /** Suite name, usually the package, e.g. `'math'`. */
  name: string;
  /** Builds the cases (inputs are allocated here, outside the timed calls). */
  cases: (context: BenchContext) => BenchCase[] | Promise<BenchCase[]>;
  /** Releases what `cases` created (pools, temp dirs). */
  teardown?: () => unknown;
}

export declare function defineSuite<T extends BenchSuite>(suite: T): T;
