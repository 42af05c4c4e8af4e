import { TILE_COLS, TILE_ROWS, wasmKernels } from './_wasm.js';

/** A matrix operand seen through strides: element (r, c) is `data[r * rowStride + c * colStride]`. */
export interface Operand {
  readonly data: Float64Array;
  readonly rowStride: number;
  readonly colStride: number;
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

function ceilTo(value: number, step: number): number {
  return Math.ceil(value / step) * step;
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
  const { data, rowStride, colStride } = a;
  const panels = Math.ceil(mc / TILE_ROWS);
  for (let t = 0; t < panels; t++) {
    const base = at + t * kc * TILE_ROWS;
    for (let r = 0; r < TILE_ROWS; r++) {
      const i = t * TILE_ROWS + r;
      if (i >= mc) {
        for (let p = 0; p < kc; p++) dst[base + p * TILE_ROWS + r] = 0;
        continue;
      }
      let src = (ic + i) * rowStride + pc * colStride;
      for (let p = 0; p < kc; p++, src += colStride) dst[base + p * TILE_ROWS + r] = data[src] as number;
    }
  }
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
  const { data, rowStride, colStride } = b;
  const panels = Math.ceil(nc / TILE_COLS);
  for (let t = 0; t < panels; t++) {
    const base = at + t * kc * TILE_COLS;
    for (let c = 0; c < TILE_COLS; c++) {
      const j = t * TILE_COLS + c;
      if (j >= nc) {
        for (let p = 0; p < kc; p++) dst[base + p * TILE_COLS + c] = 0;
        continue;
      }
      let src = pc * rowStride + (jc + j) * colStride;
      for (let p = 0; p < kc; p++, src += rowStride) dst[base + p * TILE_COLS + c] = data[src] as number;
    }
  }
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
      packB(b, pc, kc, jc, nc, buf, bp);
      for (let ic = rowStart; ic < rowEnd; ic += MC) {
        const mc = Math.min(MC, rowEnd - ic);
        const mTiles = Math.ceil(mc / TILE_ROWS);
        packA(a, ic, mc, pc, kc, buf, ap);
        if (wasmGemm === undefined) jsKernel(buf, ap, bp, cp, mTiles, ncPad / TILE_COLS, kc, ncPad);
        else wasmGemm.gemm(ap * 8, bp * 8, cp * 8, mTiles, ncPad / TILE_COLS, kc, ncPad * 8);
        for (let i = 0; i < mc; i++) {
          const src = cp + i * ncPad;
          const dst = (ic + i) * ldc + jc;
          if (pc === 0) for (let j = 0; j < nc; j++) c[dst + j] = buf[src + j] as number;
          else for (let j = 0; j < nc; j++) c[dst + j] = (c[dst + j] as number) + (buf[src + j] as number);
        }
      }
    }
  }
}
