import type { KernelChoice } from './_gemm.js';
import { axpyAt, dotAt, rotAt } from './_householder.js';
import { createWasmKernels, wasmKernels } from './_wasm.js';

/** Workspaces above this get their own short-lived memory, so the shared one stays small. */
const SHARED_MAX_BYTES = 64 * 1024 * 1024;
/** Above this (wasm32 addresses 4 GiB) the JS kernels take over. */
const WASM_MAX_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Level-1 kernels over one scratch heap, addressed by element offsets: WebAssembly SIMD
 * (the heap is the kernel instance's memory) or plain JS (a fresh Float64Array).
 */
export interface Level1 {
  /** Zeroed scratch of at least the requested length. */
  readonly heap: Float64Array;
  dot(x: number, y: number, len: number): number;
  /** heap[y..] += alpha·heap[x..] */
  axpy(alpha: number, x: number, y: number, len: number): void;
  /** x ← c·x + s·y, y ← c·y − s·x */
  rot(x: number, y: number, len: number, c: number, s: number): void;
}

export function createLevel1(doubles: number, kernel: KernelChoice): Level1 {
  const bytes = doubles * 8;
  const wasm =
    kernel === 'js' || bytes > WASM_MAX_BYTES
      ? undefined
      : bytes > SHARED_MAX_BYTES
        ? createWasmKernels()
        : wasmKernels();
  if (wasm === undefined) {
    const heap = new Float64Array(doubles);
    return {
      heap,
      dot: (x, y, len) => dotAt(heap, x, heap, y, len),
      axpy: (alpha, x, y, len) => axpyAt(alpha, heap, x, heap, y, len),
      rot: (x, y, len, c, s) => rotAt(heap, x, y, len, c, s),
    };
  }
  const heap = wasm.view(doubles);
  heap.fill(0, 0, doubles);
  return {
    heap,
    dot: (x, y, len) => (len > 0 ? wasm.dot(x * 8, y * 8, len * 8) : 0),
    axpy: (alpha, x, y, len) => {
      if (len > 0) wasm.axpy(alpha, x * 8, y * 8, len * 8);
    },
    rot: (x, y, len, c, s) => {
      if (len > 0) wasm.rot(x * 8, y * 8, len * 8, c, s);
    },
  };
}
