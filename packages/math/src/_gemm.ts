import { TILE_COLS, TILE_ROWS, wasmKernels } from './_wasm.js';

/** A matrix operand seen through strides: element (r, c) is `data[r * rowStride + c * colStride]`. */
export interface Operand {
  readonly data: Float64Array;
  readonly rowStride: number;
  readonly colStride: number;
  /**
   * The whole operand packed beforehand by `packLines` — its rows when it is A (then
   * `gemm` must be called with rowStart 0), its columns when it is B. `gemm` then copies
   * each block's panels from here instead of packing them from `data`.
   */
  readonly panels?: Float64Array;
}

/** Which micro-kernel runs: WebAssembly SIMD when available (default), or plain JS. */
export type KernelChoice = 'auto' | 'wasm' | 'js';

/** Depth of a packed panel (k block): A tile panel and B tile panel stay in L1. */
const KC = 256;
/** Rows of A packed at once (stays in L2). */
const MC = 64;
/** Columns of B packed at once. */
const NC = 2048;
/** Below this many multiply-adds the packing costs more than it saves. */
const SMALL_WORK = 32 * 32 * 32;

/** `value` rounded up to a multiple of `step` (panel padding). */
export function ceilTo(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

/**
 * Packs the `lines` x `depth` block of the operand in `data` starting at line `line0`,
 * depth `p0`, into `dst[at..]` as panels of 4 lines (TILE_ROWS = TILE_COLS), p-major:
 * panel t holds lines 4t..4t+3 of the block, element (line, p) at `4 * p + line % 4`;
 * lines past `lines` are zero. A line is a row of A or a column of B: `lineStride` and
 * `depthStride` are the operand's strides along the line index and along the inner
 * (shared) dimension. Each panel is written contiguously from four read streams.
 */
function packPanels(
  data: Float64Array,
  lineStride: number,
  depthStride: number,
  line0: number,
  lines: number,
  p0: number,
  depth: number,
  dst: Float64Array,
  at: number,
): void {
  let o = at;
  for (let t = 0; t < lines; t += 4) {
    let s0 = (line0 + t) * lineStride + p0 * depthStride;
    const left = lines - t;
    if (left >= 4) {
      let s1 = s0 + lineStride;
      let s2 = s1 + lineStride;
      let s3 = s2 + lineStride;
      for (let p = 0; p < depth; p++, o += 4) {
        dst[o] = data[s0] as number;
        dst[o + 1] = data[s1] as number;
        dst[o + 2] = data[s2] as number;
        dst[o + 3] = data[s3] as number;
        s0 += depthStride;
        s1 += depthStride;
        s2 += depthStride;
        s3 += depthStride;
      }
    } else {
      for (let p = 0; p < depth; p++, o += 4, s0 += depthStride) {
        for (let r = 0; r < 4; r++) dst[o + r] = r < left ? (data[s0 + r * lineStride] as number) : 0;
      }
    }
  }
}

/**
 * Packs a whole operand (`lines` x `depth`; lines are A's rows or B's columns, strides
 * as in `packPanels`) in the layout `gemm` packs each block into, so that `gemm` can
 * copy blocks out of it (`Operand.panels`): the block of lines line0.. at depths
 * pc..pc+kc (kc = min(KC, depth − pc)) starts at `pc * ceilTo(lines, 4) + line0 * kc`.
 */
export function packLines(
  data: Float64Array,
  lineStride: number,
  depthStride: number,
  lines: number,
  depth: number,
): Float64Array {
  const linesPad = ceilTo(lines, 4);
  const panels = new Float64Array(linesPad * depth);
  for (let pc = 0; pc < depth; pc += KC) {
    packPanels(data, lineStride, depthStride, 0, lines, pc, Math.min(KC, depth - pc), panels, pc * linesPad);
  }
  return panels;
}

/** Packs A(rows ic..ic+mc, cols pc..pc+kc) as panels of TILE_ROWS rows, p-major. */
function packA(
  a: Operand,
  ic: number,
  mc: number,
  pc: number,
  kc: number,
  dst: Float64Array,
  at: number,
): void {
  packPanels(a.data, a.rowStride, a.colStride, ic, mc, pc, kc, dst, at);
}

/** Packs B(rows pc..pc+kc, cols jc..jc+nc) as panels of TILE_COLS columns, p-major. */
function packB(
  b: Operand,
  pc: number,
  kc: number,
  jc: number,
  nc: number,
  dst: Float64Array,
  at: number,
): void {
  packPanels(b.data, b.colStride, b.rowStride, jc, nc, pc, kc, dst, at);
}

/** The JS 4x4 register-tiled micro-kernel, same packed layout and loop order as the wasm one. */
function jsKernel(
  buf: Float64Array,
  ap: number,
  bp: number,
  cp: number,
  mTiles: number,
  nTiles: number,
  kc: number,
  ldc: number,
): void {
  const stride = kc * 4;
  for (let jt = 0; jt < nTiles; jt++) {
    for (let it = 0; it < mTiles; it++) {
      let pa = ap + it * stride;
      let pb = bp + jt * stride;
      const end = pa + stride;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0; // biome-ignore format: tile
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0; // biome-ignore format: tile
      for (; pa < end; pa += 4, pb += 4) {
        const x0 = buf[pa] as number;
        const x1 = buf[pa + 1] as number;
        const x2 = buf[pa + 2] as number;
        const x3 = buf[pa + 3] as number;
        const y0 = buf[pb] as number;
        const y1 = buf[pb + 1] as number;
        const y2 = buf[pb + 2] as number;
        const y3 = buf[pb + 3] as number;
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      let o = cp + it * 4 * ldc + jt * 4;
      buf[o] = c00;
      buf[o + 1] = c01;
      buf[o + 2] = c02;
      buf[o + 3] = c03;
      o += ldc;
      buf[o] = c10;
      buf[o + 1] = c11;
      buf[o + 2] = c12;
      buf[o + 3] = c13;
      o += ldc;
      buf[o] = c20;
      buf[o + 1] = c21;
      buf[o + 2] = c22;
      buf[o + 3] = c23;
      o += ldc;
      buf[o] = c30;
      buf[o + 1] = c31;
      buf[o + 2] = c32;
      buf[o + 3] = c33;
    }
  }
}

/** Plain triple loop for tiny products, where packing does not pay. */
function smallGemm(
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: Float64Array,
  ldc: number,
  rowStart: number,
  rowEnd: number,
): void {
  for (let i = rowStart; i < rowEnd; i++) {
    const row = i * ldc;
    for (let j = 0; j < n; j++) c[row + j] = 0;
    for (let p = 0; p < k; p++) {
      const x = a.data[i * a.rowStride + p * a.colStride] as number;
      const bBase = p * b.rowStride;
      for (let j = 0; j < n; j++)
        c[row + j] = (c[row + j] as number) + x * (b.data[bBase + j * b.colStride] as number);
    }
  }
}

/**
 * C[i, 0..n) = Σ_p A(i, p)·B(p, j) for rows i in [rowStart, rowEnd), written to
 * `c[i * ldc + j]` (overwriting). Cache-blocked (KC x NC panels of B, MC x KC of A),
 * packed, and computed by a 4x4 register-tiled micro-kernel.
 */
export function gemm(
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: Float64Array,
  ldc: number,
  rowStart: number,
  rowEnd: number,
  kernel: KernelChoice = 'auto',
): void {
  const m = rowEnd - rowStart;
  if (m <= 0 || n === 0) return;
  if (k === 0) {
    for (let i = rowStart; i < rowEnd; i++) c.fill(0, i * ldc, i * ldc + n);
    return;
  }
  if (kernel === 'auto' && m * n * k < SMALL_WORK) {
    smallGemm(n, k, a, b, c, ldc, rowStart, rowEnd);
    return;
  }
  const wasmGemm = kernel === 'js' ? undefined : wasmKernels();
  const ncMax = ceilTo(Math.min(NC, n), TILE_COLS);
  const kcMax = Math.min(KC, k);
  const mcMax = ceilTo(Math.min(MC, m), TILE_ROWS);
  const bp = 0;
  const ap = bp + kcMax * ncMax;
  const cp = ap + mcMax * kcMax;
  const total = cp + mcMax * ncMax;
  const buf = wasmGemm === undefined ? new Float64Array(total) : wasmGemm.view(total);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const ncPad = ceilTo(nc, TILE_COLS);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      if (b.panels === undefined) packB(b, pc, kc, jc, nc, buf, bp);
      else {
        const from = pc * ceilTo(n, TILE_COLS) + jc * kc;
        buf.set(b.panels.subarray(from, from + ncPad * kc), bp);
      }
      for (let ic = rowStart; ic < rowEnd; ic += MC) {
        const mc = Math.min(MC, rowEnd - ic);
        const mTiles = Math.ceil(mc / TILE_ROWS);
        if (a.panels === undefined) packA(a, ic, mc, pc, kc, buf, ap);
        else {
          const from = pc * ceilTo(rowEnd, TILE_ROWS) + ic * kc;
          buf.set(a.panels.subarray(from, from + mTiles * TILE_ROWS * kc), ap);
        }
        if (wasmGemm === undefined) jsKernel(buf, ap, bp, cp, mTiles, ncPad / TILE_COLS, kc, ncPad);
        else wasmGemm.gemm(ap * 8, bp * 8, cp * 8, mTiles, ncPad / TILE_COLS, kc, ncPad * 8);
        for (let i = 0; i < mc; i++) {
          const src = cp + i * ncPad;
          const dst = (ic + i) * ldc + jc;
          if (pc === 0) c.set(buf.subarray(src, src + nc), dst);
          else for (let j = 0; j < nc; j++) c[dst + j] = (c[dst + j] as number) + (buf[src + j] as number);
        }
      }
    }
  }
}
