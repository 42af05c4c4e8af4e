import { assertDenseMatrix, type DenseMatrix, InvalidInputError, ShapeError } from '@toolbox/contracts';
import { shapeOf } from './_check.js';
import { ceilTo, gemm, type KernelChoice } from './_gemm.js';
import { wasmKernels } from './_wasm.js';
import { rowSquaredNorms } from './pairwise.js';

/** Training rows made ready for many `nearestNeighbours` searches (see `prepareNeighbours`). */
export interface NeighbourIndex {
  readonly rows: number;
  readonly cols: number;
}

export interface NearestNeighboursOptions {
  /** Neighbours per query row; more than the training rows gives all of them. */
  k: number;
}

export interface NearestNeighboursResult {
  /** Neighbours per query row: `min(options.k, train.rows)`. */
  k: number;
  /** Row-major `queries x k`: training-row indices, nearest first (ties: the lower index first). */
  indices: Int32Array;
  /** Row-major `queries x k`: the Euclidean distances of those rows. */
  distances: Float64Array;
}

/** Unit roundoff of float32 and float64. */
const F32_EPS = 2 ** -24;
const F64_EPS = 2 ** -53;
/** Above this |x|·|y|·(cols + 1) a float32 screen could overflow: screen in float64 instead. */
const F32_SAFE_PRODUCT = 1e36;
/** Query rows per block and training rows per chunk of the screening product. */
const QUERY_BLOCK = 32;
const TRAIN_CHUNK = 2048;

function maxAbs(data: Float64Array): number {
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Math.abs(data[i] as number);
    if (v > max) max = v;
  }
  return max;
}

class Index implements NeighbourIndex {
  readonly rows: number;
  readonly cols: number;
  /** The private copy the exact distances are computed from. */
  readonly data: Float64Array;
  /** ‖t‖² per training row, and the largest ‖t‖ and |t_p|. */
  readonly norms: Float64Array;
  readonly maxNorm: number;
  readonly maxAbs: number;
  #panels: Float32Array | undefined;
  #augmented: Float64Array | undefined;

  constructor(x: DenseMatrix) {
    this.rows = x.rows;
    this.cols = x.cols;
    this.data = x.data.slice();
    this.norms = rowSquaredNorms(x, 0, x.rows);
    let max = 0;
    for (let i = 0; i < this.norms.length; i++) max = Math.max(max, this.norms[i] as number);
    this.maxNorm = Math.sqrt(max);
    this.maxAbs = maxAbs(this.data);
  }

  /**
   * The screening value of training row t for query row q is ‖t‖² − 2·q·t (it orders
   * rows as ‖q − t‖² does), computed as one dot product of length cols + 1:
   * [q, 1]·[−2t, ‖t‖²]. This is the right factor as float32 panels of 8 rows, p-major
   * (the f32 GEMM kernel's B layout): panel t holds rows 8t..8t+7, element (row, p)
   * at `8 * (t * (cols + 1) + p) + row % 8`; rows past the end are zero. Packed on
   * first use.
   */
  panels(): Float32Array {
    if (this.#panels !== undefined) return this.#panels;
    const depth = this.cols + 1;
    const { rows, cols, data, norms } = this;
    const panels = new Float32Array(ceilTo(rows, 8) * depth);
    // Written in order; rows are read 8 at a time, one element each.
    for (let i0 = 0, o = 0; i0 < rows; i0 += 8) {
      const full = Math.min(8, rows - i0);
      for (let p = 0; p < cols; p++, o += 8) {
        for (let r = 0; r < full; r++) panels[o + r] = -2 * (data[(i0 + r) * cols + p] as number);
      }
      for (let r = 0; r < full; r++) panels[o + r] = norms[i0 + r] as number;
      o += 8;
    }
    this.#panels = panels;
    return panels;
  }

  /** The augmented rows [−2t, ‖t‖²] in float64, row-major. Built on first use. */
  augmented(): Float64Array {
    if (this.#augmented !== undefined) return this.#augmented;
    const depth = this.cols + 1;
    const { rows, cols, data, norms } = this;
    const augmented = new Float64Array(rows * depth);
    for (let i = 0; i < rows; i++) {
      for (let p = 0; p < cols; p++) augmented[i * depth + p] = -2 * (data[i * cols + p] as number);
      augmented[i * depth + cols] = norms[i] as number;
    }
    this.#augmented = augmented;
    return augmented;
  }
}

/**
 * Prepares training rows for repeated `nearestNeighbours` searches: copies them (later
 * changes are not seen) and computes their norms; the copy the screening product
 * reads (float32, or float64 without SIMD) is packed on the first search. Memory: the
 * copy plus about half of it.
 */
export function prepareNeighbours(train: DenseMatrix): NeighbourIndex {
  assertDenseMatrix(train, 'train');
  return new Index(train);
}

/** The next position in [from, to) whose value may be ≤ limit, or `to`. */
type Find = (from: number, to: number, limit: number) => number;

/** The screening product for one block of query rows and one chunk of training rows. */
interface Screen {
  /** Fills `out[r * ldc + j - j0]` with the screening value of query row start + r and training row j. */
  values(start: number, rows: number, j0: number, nc: number): void;
  out: Float32Array | Float64Array;
  /** A SIMD search over `out` for `Screening.scan`; absent, it scans in JS. */
  find?: Find;
  ldc: number;
  /** Unit roundoff of the product's arithmetic. */
  eps: number;
}

function wasmScreen(index: Index, query: DenseMatrix, queryMaxAbs: number): Screen | undefined {
  const kernels = wasmKernels();
  const depth = index.cols + 1;
  const largest = Math.max(index.maxAbs, queryMaxAbs, 1);
  if (kernels === undefined || index.maxAbs * largest * depth >= F32_SAFE_PRODUCT) return undefined;
  const panels = index.panels();
  const ap = panels.length;
  const cp = ap + QUERY_BLOCK * depth;
  const ldc = TRAIN_CHUNK;
  kernels.view(Math.ceil((cp + QUERY_BLOCK * ldc) / 2));
  const memory = kernels.view32();
  memory.set(panels, 0);
  return {
    out: memory.subarray(cp),
    // Offsets in bytes for the kernel; limit passes as the nearest float32, which keeps
    // every float32 value ≤ limit (scan re-checks each hit in float64).
    find: (from, to, limit) => (kernels.below((cp + from) * 4, (cp + to) * 4, limit) >>> 2) - cp,
    ldc,
    eps: F32_EPS,
    values(start, rows, j0, nc) {
      if (j0 === 0) {
        // The block's rows [q, 1] as float32 panels of 4 rows, p-major (the kernel's A layout).
        memory.fill(0, ap, ap + ceilTo(rows, 4) * depth);
        for (let r = 0; r < rows; r++) {
          const src = (start + r) * index.cols;
          const base = ap + (r >> 2) * 4 * depth + (r & 3);
          for (let p = 0; p < index.cols; p++) memory[base + 4 * p] = query.data[src + p] as number;
          memory[base + 4 * index.cols] = 1;
        }
      }
      const mTiles = Math.ceil(rows / 4);
      kernels.gemm32(ap * 4, j0 * depth * 4, cp * 4, mTiles, Math.ceil(nc / 8), depth, ldc * 4);
    },
  };
}

function float64Screen(index: Index, query: DenseMatrix, kernel: KernelChoice): Screen {
  const { cols } = index;
  const depth = cols + 1;
  const augmented = index.augmented();
  const ldc = TRAIN_CHUNK;
  const out = new Float64Array(QUERY_BLOCK * ldc);
  const block = new Float64Array(QUERY_BLOCK * depth);
  return {
    out,
    ldc,
    eps: F64_EPS,
    values(start, rows, j0, nc) {
      for (let r = 0; r < rows; r++) {
        block.set(query.data.subarray((start + r) * cols, (start + r + 1) * cols), r * depth);
        block[r * depth + cols] = 1;
      }
      const a = { data: block, rowStride: depth, colStride: 1 };
      const b = { data: augmented.subarray(j0 * depth), rowStride: 1, colStride: depth };
      gemm(nc, depth, a, b, out, ldc, 0, rows, kernel);
    },
  };
}

/** Per query row of a block: the k best screened values so far, and every row that came within the slack of them. */
class Screening {
  readonly best: Float64Array;
  readonly bestIndex: Int32Array;
  readonly candidates: Int32Array;
  readonly candidateValues: Float64Array;
  readonly count: Int32Array;
  /** Rows whose candidates overflowed the buffer: searched exhaustively. */
  readonly overflow: Uint8Array;
  readonly slack: Float64Array;

  constructor(
    readonly k: number,
    readonly capacity: number,
  ) {
    this.best = new Float64Array(QUERY_BLOCK * k);
    this.bestIndex = new Int32Array(QUERY_BLOCK * k);
    this.candidates = new Int32Array(QUERY_BLOCK * capacity);
    this.candidateValues = new Float64Array(QUERY_BLOCK * capacity);
    this.count = new Int32Array(QUERY_BLOCK);
    this.overflow = new Uint8Array(QUERY_BLOCK);
    this.slack = new Float64Array(QUERY_BLOCK);
  }

  reset(): void {
    this.best.fill(Number.POSITIVE_INFINITY);
    this.count.fill(0);
    this.overflow.fill(0);
  }

  /**
   * Scans row r's screened values of training rows j0..j0+nc (`out` from `base`):
   * keeps the k smallest, and records every row whose value is within the slack of
   * the k-th smallest seen so far (a superset of those within it at the end).
   * `find(from, to, limit)`, when given, jumps to the next position in `out` whose
   * value may be ≤ limit (or returns `to`).
   */
  scan(r: number, out: Float32Array | Float64Array, base: number, j0: number, nc: number, find?: Find): void {
    const slack = this.slack[r] as number;
    let limit = (this.best[r * this.k + this.k - 1] as number) + slack;
    const stop = j0 + nc;
    if (find === undefined) {
      for (let j = j0; j < stop; j++) {
        const v = out[base + j] as number;
        if (v <= limit) limit = this.take(r, j, v, limit) + slack;
      }
      return;
    }
    for (let p = find(base + j0, base + stop, limit); p < base + stop; p = find(p + 1, base + stop, limit)) {
      const v = out[p] as number;
      if (v <= limit) limit = this.take(r, p - base, v, limit) + slack;
    }
  }

  /** Records training row j (value v ≤ limit) for row r; returns the k-th smallest value now. */
  private take(r: number, j: number, v: number, limit: number): number {
    const { k, best, bestIndex } = this;
    const at = r * k;
    const last = at + k - 1;
    this.record(r, j, v, limit);
    if (v < (best[last] as number)) {
      let slot = last;
      while (slot > at && (best[slot - 1] as number) > v) {
        best[slot] = best[slot - 1] as number;
        bestIndex[slot] = bestIndex[slot - 1] as number;
        slot--;
      }
      best[slot] = v;
      bestIndex[slot] = j;
    }
    return best[last] as number;
  }

  private record(r: number, j: number, v: number, limit: number): void {
    if (this.overflow[r] === 1) return;
    const at = r * this.capacity;
    let count = this.count[r] as number;
    if (count === this.capacity) {
      // Drop the candidates the limit has passed; when none can go, give up on the list.
      let kept = 0;
      for (let c = 0; c < count; c++) {
        if ((this.candidateValues[at + c] as number) <= limit) {
          this.candidates[at + kept] = this.candidates[at + c] as number;
          this.candidateValues[at + kept] = this.candidateValues[at + c] as number;
          kept++;
        }
      }
      if (kept === count) {
        this.overflow[r] = 1;
        return;
      }
      count = kept;
    }
    this.candidates[at + count] = j;
    this.candidateValues[at + count] = v;
    this.count[r] = count + 1;
  }
}

/**
 * Puts training row t into the ascending lists `exact`/`exactIndex` (k slots) of the
 * query row at `q` if its float64 squared distance Σ(q − t)² is among the k smallest;
 * equal distances keep the lower index first.
 */
function rankExactly(
  train: Float64Array,
  t: number,
  cols: number,
  query: Float64Array,
  q: number,
  exact: Float64Array,
  exactIndex: Int32Array,
  k: number,
): void {
  let d = 0;
  for (let p = 0, at = t * cols; p < cols; p++) {
    const diff = (train[at + p] as number) - (query[q + p] as number);
    d += diff * diff;
  }
  let slot = k - 1;
  const worst = exact[slot] as number;
  if (d > worst || (d === worst && t > (exactIndex[slot] as number))) return;
  while (
    slot > 0 &&
    ((exact[slot - 1] as number) > d ||
      ((exact[slot - 1] as number) === d && (exactIndex[slot - 1] as number) > t))
  ) {
    exact[slot] = exact[slot - 1] as number;
    exactIndex[slot] = exactIndex[slot - 1] as number;
    slot--;
  }
  exact[slot] = d;
  exactIndex[slot] = t;
}

/**
 * The k nearest training rows of every query row, by Euclidean distance, exactly (as
 * a float64 brute force would find them). A fast screening product (float32 SIMD
 * GEMM, or float64 when SIMD is missing or float32 could overflow) ranks every
 * training row by ‖t‖² − 2·q·t; a rigorous bound on its rounding error tells which
 * rows can still be among the k nearest (usually k, a few more near a tie), and
 * only those are ranked by their float64 distance Σ(q − t)². When more than 4k + 32
 * rows tie within the bound (e.g. many duplicate rows), that query row is searched
 * exhaustively in float64. Ties keep the lower training index. Blocks of 32 query
 * rows by 2 048 training rows bound the scratch memory.
 */
export function nearestNeighbours(
  train: DenseMatrix | NeighbourIndex,
  query: DenseMatrix,
  options: NearestNeighboursOptions,
): NearestNeighboursResult {
  return nearestNeighboursWithKernel(train, query, options, 'auto');
}

/** `nearestNeighbours` with the screening kernel chosen (tests reach the float64 path). */
export function nearestNeighboursWithKernel(
  train: DenseMatrix | NeighbourIndex,
  query: DenseMatrix,
  options: NearestNeighboursOptions,
  kernel: KernelChoice,
): NearestNeighboursResult {
  const index = train instanceof Index ? train : (prepareNeighbours(train as DenseMatrix) as Index);
  assertDenseMatrix(query, 'query');
  if (query.cols !== index.cols) {
    throw new ShapeError(
      `nearestNeighbours needs query.cols === train.cols: query is ${shapeOf(query)} and train is ${index.rows}x${index.cols}`,
      { details: { argument: 'query', query: [query.rows, query.cols], train: [index.rows, index.cols] } },
    );
  }
  const kOption = options?.k;
  if (!Number.isSafeInteger(kOption) || kOption < 1) {
    throw new InvalidInputError(`options.k must be a positive integer, got ${String(kOption)}`, {
      details: { argument: 'options.k', value: kOption },
    });
  }
  const n = index.rows;
  const cols = index.cols;
  const k = Math.min(kOption, n);
  const indices = new Int32Array(query.rows * k);
  const distances = new Float64Array(query.rows * k);
  if (query.rows === 0 || n === 0) return { k, indices, distances };

  const queryMaxAbs = maxAbs(query.data);
  const screen =
    (kernel === 'js' ? undefined : wasmScreen(index, query, queryMaxAbs)) ??
    float64Screen(index, query, kernel);
  const { eps, out, ldc, find } = screen;
  const queryNorms = rowSquaredNorms(query, 0, query.rows);
  const screening = new Screening(k, 4 * k + 32);
  const exact = new Float64Array(k);
  const exactIndex = new Int32Array(k);
  // |screened − exact| ≤ (cols + 4)·eps·(2·‖q‖·‖t‖ + ‖t‖²) with 1 % to spare (rounding
  // of the inputs, of ‖t‖² and of the length-(cols + 1) dot product), plus what float32
  // underflow can lose: half the smallest subnormal per rounded input and product.
  const relative = 1.01 * (cols + 4) * eps;
  const underflow = eps === F32_EPS ? 4 * (cols + 1) * 2 ** -149 * (1 + index.maxAbs + queryMaxAbs) : 0;
  const maxNorm = index.maxNorm;

  for (let start = 0; start < query.rows; start += QUERY_BLOCK) {
    const rows = Math.min(QUERY_BLOCK, query.rows - start);
    screening.reset();
    for (let r = 0; r < rows; r++) {
      const qNorm = Math.sqrt(queryNorms[start + r] as number);
      // The k nearest by exact value have screened values ≤ the k-th screened value + 2·bound.
      screening.slack[r] = 2 * (relative * (2 * qNorm * maxNorm + maxNorm * maxNorm) + underflow);
    }
    for (let j0 = 0; j0 < n; j0 += TRAIN_CHUNK) {
      const nc = Math.min(TRAIN_CHUNK, n - j0);
      screen.values(start, rows, j0, nc);
      for (let r = 0; r < rows; r++) screening.scan(r, out, r * ldc - j0, j0, nc, find);
    }
    for (let r = 0; r < rows; r++) {
      const row = start + r;
      const q = row * cols;
      exact.fill(Number.POSITIVE_INFINITY);
      if (screening.overflow[r] === 1) {
        for (let t = 0; t < n; t++) rankExactly(index.data, t, cols, query.data, q, exact, exactIndex, k);
      } else {
        const cutoff = (screening.best[r * k + k - 1] as number) + (screening.slack[r] as number);
        const at = r * screening.capacity;
        for (let c = 0; c < (screening.count[r] as number); c++) {
          if ((screening.candidateValues[at + c] as number) <= cutoff) {
            const t = screening.candidates[at + c] as number;
            rankExactly(index.data, t, cols, query.data, q, exact, exactIndex, k);
          }
        }
      }
      for (let c = 0; c < k; c++) {
        indices[row * k + c] = exactIndex[c] as number;
        distances[row * k + c] = Math.sqrt(exact[c] as number);
      }
    }
  }
  return { k, indices, distances };
}
