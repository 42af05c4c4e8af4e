/**
 * A tiny WebAssembly SIMD module assembled byte by byte at load time (no build step,
 * no toolchain): the GEMM micro-kernel on packed panels and the level-1 kernels (plane
 * rotation, dot, axpy) behind the SVD. Internal; callers fall back to plain JS when
 * WebAssembly SIMD is unavailable.
 */

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const name = (text: string): number[] => [
  ...uleb(text.length),
  ...Array.from(text, (ch) => ch.charCodeAt(0)),
];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const ADD = [0x6a];
const MUL = [0x6c];
const LT_U = [0x49];
const GE_U = [0x4f];
const simd = (op: number) => [0xfd, ...uleb(op)];
const vload = (offset: number) => [...simd(0x00), 3, ...uleb(offset)];
const vstore = (offset: number) => [...simd(0x0b), 3, ...uleb(offset)];
const f64load = (offset: number) => [0x2b, 3, ...uleb(offset)];
const GT_U = [0x4b];
const F64 = 0x7c;
const f64store = (offset: number) => [0x39, 3, ...uleb(offset)];
const F64_ADD = [0xa0];
const F64_SUB = [0xa1];
const F64_MUL = [0xa2];
const IF = [0x04, 0x40];
const lane = (index: number) => [...simd(0x21), index];
const SPLAT = simd(0x14);
const FSUB = simd(0xf1);
const FADD = simd(0xf0);
const FMUL = simd(0xf2);
const VZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const br = (depth: number) => [0x0c, ...uleb(depth)];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];

/** Rows of the register tile (the column count is 4: two f64x2 lanes pairs). */
export const TILE_ROWS = 4;
/** Columns of the register tile. */
export const TILE_COLS = 4;

/** The two element types of the GEMM micro-kernel. */
interface Precision {
  /** Bytes per element. */
  bytes: number;
  /** Scalar load of one A element, then its splat to all lanes. */
  loadSplat: (offset: number) => number[];
  mul: number[];
  add: number[];
}

const F64X2: Precision = { bytes: 8, loadSplat: (o) => [...f64load(o), ...SPLAT], mul: FMUL, add: FADD };
const F32X4: Precision = {
  bytes: 4,
  loadSplat: (o) => [0x2a, 2, ...uleb(o), ...simd(0x13)],
  mul: simd(0xe6),
  add: simd(0xe4),
};

/**
 * kernel(ap, bp, cp, mTiles, nTiles, kc, ldcBytes): for every tile of 4 rows and 32
 * bytes of columns (4 doubles, or 8 floats for the f32 kernel),
 * C[tile] = sum over p < kc of Ap[it][p][0..3] ⊗ Bp[jt][p][..]. Ap holds mTiles
 * panels of kc*4 elements, Bp nTiles panels of kc*32 bytes, C rows are ldcBytes apart.
 * Loop order keeps one B panel in L1 while the A panels stream from L2.
 */
function gemmKernelBody({ bytes, loadSplat, mul, add }: Precision): number[] {
  const [AP, BP, CP, MT, NT, KC, LDC] = [0, 1, 2, 3, 4, 5, 6];
  const [IT, JT, PA, PB, PEND, CT, ASTRIDE] = [7, 8, 9, 10, 11, 12, 13];
  const ACC = 14;
  const B0 = ACC + 8;
  const B1 = B0 + 1;
  const A = B1 + 1;
  const aStep = TILE_ROWS * bytes;
  const body: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) body.push(...part);
  };
  emit(get(KC), i32(aStep), MUL, set(ASTRIDE));
  emit(i32(0), set(JT));
  emit(BLOCK, LOOP, get(JT), get(NT), GE_U, brIf(1));
  emit(i32(0), set(IT));
  emit(BLOCK, LOOP, get(IT), get(MT), GE_U, brIf(1));
  emit(get(AP), get(IT), get(ASTRIDE), MUL, ADD, tee(PA), get(ASTRIDE), ADD, set(PEND));
  emit(get(BP), get(JT), get(KC), i32(32), MUL, MUL, ADD, set(PB));
  for (let r = 0; r < 8; r++) emit(VZERO, set(ACC + r));
  emit(LOOP);
  emit(get(PB), vload(0), set(B0), get(PB), vload(16), set(B1));
  for (let r = 0; r < TILE_ROWS; r++) {
    emit(get(PA), loadSplat(bytes * r), set(A));
    emit(get(ACC + 2 * r), get(A), get(B0), mul, add, set(ACC + 2 * r));
    emit(get(ACC + 2 * r + 1), get(A), get(B1), mul, add, set(ACC + 2 * r + 1));
  }
  emit(get(PB), i32(32), ADD, set(PB), get(PA), i32(aStep), ADD, tee(PA), get(PEND), LT_U, brIf(0));
  emit(END);
  emit(get(CP), get(IT), get(LDC), MUL, i32(4), MUL, ADD, get(JT), i32(32), MUL, ADD, set(CT));
  for (let r = 0; r < TILE_ROWS; r++) {
    emit(get(CT), get(ACC + 2 * r), vstore(0));
    emit(get(CT), get(ACC + 2 * r + 1), vstore(16));
    if (r < TILE_ROWS - 1) emit(get(CT), get(LDC), ADD, set(CT));
  }
  emit(get(IT), i32(1), ADD, set(IT), br(0));
  emit(END, END);
  emit(get(JT), i32(1), ADD, set(JT), br(0));
  emit(END, END);
  const locals = vector([
    [...uleb(7), I32],
    [...uleb(11), V128],
  ]);
  return [...locals, ...body, ...END];
}

/** Emits `while (x + step <= end) { body; x += step; y += step }`. */
function pairLoop(x: number, y: number, end: number, step: number, body: number[]): number[] {
  return [
    ...BLOCK,
    ...LOOP,
    ...get(x),
    ...i32(step),
    ...ADD,
    ...get(end),
    ...GT_U,
    ...brIf(1),
    ...body,
    ...get(x),
    ...i32(step),
    ...ADD,
    ...set(x),
    ...get(y),
    ...i32(step),
    ...ADD,
    ...set(y),
    ...br(0),
    ...END,
    ...END,
  ];
}

/** rot(x, y, bytes, c, s): x ← c·x + s·y, y ← c·y − s·x over `bytes` bytes. */
function rotBody(): number[] {
  const [X, Y, END_, C, S] = [0, 1, 2, 3, 4];
  const [CV, SV, A, B] = [5, 6, 7, 8];
  const [FA, FB] = [9, 10];
  const body = [
    ...get(C),
    ...SPLAT,
    ...set(CV),
    ...get(S),
    ...SPLAT,
    ...set(SV),
    ...get(X),
    ...get(END_),
    ...ADD,
    ...set(END_),
    ...pairLoop(X, Y, END_, 16, [
      ...get(X),
      ...vload(0),
      ...set(A),
      ...get(Y),
      ...vload(0),
      ...set(B),
      ...get(X),
      ...get(CV),
      ...get(A),
      ...FMUL,
      ...get(SV),
      ...get(B),
      ...FMUL,
      ...FADD,
      ...vstore(0),
      ...get(Y),
      ...get(CV),
      ...get(B),
      ...FMUL,
      ...get(SV),
      ...get(A),
      ...FMUL,
      ...FSUB,
      ...vstore(0),
    ]),
    ...get(X),
    ...get(END_),
    ...LT_U,
    ...IF,
    ...get(X),
    ...f64load(0),
    ...set(FA),
    ...get(Y),
    ...f64load(0),
    ...set(FB),
    ...get(X),
    ...get(C),
    ...get(FA),
    ...F64_MUL,
    ...get(S),
    ...get(FB),
    ...F64_MUL,
    ...F64_ADD,
    ...f64store(0),
    ...get(Y),
    ...get(C),
    ...get(FB),
    ...F64_MUL,
    ...get(S),
    ...get(FA),
    ...F64_MUL,
    ...F64_SUB,
    ...f64store(0),
    ...END,
  ];
  return [
    ...vector([
      [...uleb(4), V128],
      [...uleb(2), F64],
    ]),
    ...body,
    ...END,
  ];
}

/** dot(x, y, bytes) → Σ x·y, two f64x2 accumulators and a scalar tail. */
function dotBody(): number[] {
  const [X, Y, END_] = [0, 1, 2];
  const [ACC0, ACC1] = [3, 4];
  const SUM = 5;
  const body = [
    ...get(X),
    ...get(END_),
    ...ADD,
    ...set(END_),
    ...VZERO,
    ...set(ACC0),
    ...VZERO,
    ...set(ACC1),
    ...pairLoop(X, Y, END_, 32, [
      ...get(ACC0),
      ...get(X),
      ...vload(0),
      ...get(Y),
      ...vload(0),
      ...FMUL,
      ...FADD,
      ...set(ACC0),
      ...get(ACC1),
      ...get(X),
      ...vload(16),
      ...get(Y),
      ...vload(16),
      ...FMUL,
      ...FADD,
      ...set(ACC1),
    ]),
    ...get(ACC0),
    ...get(ACC1),
    ...FADD,
    ...set(ACC0),
    ...get(ACC0),
    ...lane(0),
    ...get(ACC0),
    ...lane(1),
    ...F64_ADD,
    ...set(SUM),
    ...pairLoop(X, Y, END_, 8, [
      ...get(SUM),
      ...get(X),
      ...f64load(0),
      ...get(Y),
      ...f64load(0),
      ...F64_MUL,
      ...F64_ADD,
      ...set(SUM),
    ]),
    ...get(SUM),
  ];
  return [
    ...vector([
      [...uleb(2), V128],
      [...uleb(1), F64],
    ]),
    ...body,
    ...END,
  ];
}

/** axpy(alpha, x, y, bytes): y ← y + alpha·x. */
function axpyBody(): number[] {
  const [ALPHA, X, Y, END_] = [0, 1, 2, 3];
  const AV = 4;
  const body = [
    ...get(ALPHA),
    ...SPLAT,
    ...set(AV),
    ...get(X),
    ...get(END_),
    ...ADD,
    ...set(END_),
    ...pairLoop(X, Y, END_, 16, [
      ...get(Y),
      ...get(Y),
      ...vload(0),
      ...get(AV),
      ...get(X),
      ...vload(0),
      ...FMUL,
      ...FADD,
      ...vstore(0),
    ]),
    ...pairLoop(X, Y, END_, 8, [
      ...get(Y),
      ...get(Y),
      ...f64load(0),
      ...get(ALPHA),
      ...get(X),
      ...f64load(0),
      ...F64_MUL,
      ...F64_ADD,
      ...f64store(0),
    ]),
  ];
  return [...vector([[...uleb(1), V128]]), ...body, ...END];
}

/**
 * below(p, end, limit) → the byte offset of the first float32 in [p, end) that is ≤
 * limit, or end: f32x4 compares four at a time and the scalar loop pins the element.
 */
function belowBody(): number[] {
  const [P, END_, LIMIT] = [0, 1, 2];
  const LIM = 3;
  const body = [
    ...get(LIMIT),
    ...simd(0x13),
    ...set(LIM),
    ...BLOCK,
    ...LOOP,
    ...get(P),
    ...i32(16),
    ...ADD,
    ...get(END_),
    ...GT_U,
    ...brIf(1),
    ...get(P),
    ...vload(0),
    ...get(LIM),
    ...simd(0x45),
    ...simd(0x53),
    ...brIf(1),
    ...get(P),
    ...i32(16),
    ...ADD,
    ...set(P),
    ...br(0),
    ...END,
    ...END,
    ...BLOCK,
    ...LOOP,
    ...get(P),
    ...get(END_),
    ...GE_U,
    ...brIf(1),
    ...get(P),
    0x2a,
    2,
    0,
    ...get(LIMIT),
    0x5f,
    ...IF,
    ...get(P),
    0x0f,
    ...END,
    ...get(P),
    ...i32(4),
    ...ADD,
    ...set(P),
    ...br(0),
    ...END,
    ...END,
    ...get(END_),
  ];
  return [...vector([[...uleb(1), V128]]), ...body, ...END];
}

function assemble(): Uint8Array {
  const i32Params = (count: number) => new Array<number[]>(count).fill([I32]);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(
      1,
      vector([
        [0x60, ...vector(i32Params(7)), 0x00],
        [0x60, ...vector([[I32], [I32], [I32], [F64], [F64]]), 0x00],
        [0x60, ...vector(i32Params(3)), 0x01, F64],
        [0x60, ...vector([[F64], [I32], [I32], [I32]]), 0x00],
        [0x60, ...vector([[I32], [I32], [0x7d]]), 0x01, I32],
      ]),
    ),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([[0x00], [0x01], [0x02], [0x03], [0x00], [0x04]])),
    ...section(
      7,
      vector([
        [...name('gemm'), 0x00, 0x00],
        [...name('rot'), 0x00, 0x01],
        [...name('dot'), 0x00, 0x02],
        [...name('axpy'), 0x00, 0x03],
        [...name('gemm32'), 0x00, 0x04],
        [...name('below'), 0x00, 0x05],
      ]),
    ),
    ...section(
      10,
      vector(
        [gemmKernelBody(F64X2), rotBody(), dotBody(), axpyBody(), gemmKernelBody(F32X4), belowBody()].map(
          (body) => [...uleb(body.length), ...body],
        ),
      ),
    ),
  ];
  return new Uint8Array(bytes);
}

/** See `gemmKernelBody`; pointers are byte offsets into the kernels' memory. */
type GemmKernel = (
  ap: number,
  bp: number,
  cp: number,
  mTiles: number,
  nTiles: number,
  kc: number,
  ldcBytes: number,
) => void;

/** A compiled kernel with its own growable memory (one per thread that uses it). */
export interface WasmKernels {
  /** The float64 GEMM micro-kernel: 4x4 tiles. */
  gemm: GemmKernel;
  /** The same on float32 panels: tiles of 4 rows x 8 columns, B panels of kc*8 floats. */
  gemm32: GemmKernel;
  /** Byte offset of the first float32 in [p, end) that is ≤ limit (a float32), or end. */
  below(p: number, end: number, limit: number): number;
  /** x ← c·x + s·y, y ← c·y − s·x (byte offsets, length in bytes). */
  rot(x: number, y: number, bytes: number, c: number, s: number): void;
  /** Σ x·y (byte offsets, length in bytes). */
  dot(x: number, y: number, bytes: number): number;
  /** y ← y + alpha·x (byte offsets, length in bytes). */
  axpy(alpha: number, x: number, y: number, bytes: number): void;
  /** A Float64Array over the whole memory, at least `doubles` long (grows the memory). */
  view(doubles: number): Float64Array;
  /** A Float32Array over the same memory as `view` (call `view` first to size it). */
  view32(): Float32Array;
}

/** The slice of the WebAssembly JS API used here (the lib typings omit it under `types: ["node"]`). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WasmApi | undefined };

let compiled: object | null | undefined;

/**
 * Creates a kernel instance, or returns undefined when this runtime lacks
 * WebAssembly SIMD (the caller then uses the JS kernel).
 */
export function createWasmKernels(): WasmKernels | undefined {
  if (wasm === undefined) return undefined;
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(assemble());
    } catch {
      // No SIMD support (the module fails validation): the JS kernel takes over.
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  const memory = new wasm.Memory({ initial: 1 });
  const instance = new wasm.Instance(compiled, { env: { memory } });
  const exports = instance.exports as unknown as Pick<
    WasmKernels,
    'gemm' | 'gemm32' | 'below' | 'rot' | 'dot' | 'axpy'
  >;
  let current = new Float64Array(memory.buffer);
  let current32 = new Float32Array(memory.buffer);
  return {
    gemm: exports.gemm,
    gemm32: exports.gemm32,
    below: exports.below,
    rot: exports.rot,
    dot: exports.dot,
    axpy: exports.axpy,
    view(doubles) {
      const bytes = doubles * 8;
      if (memory.buffer.byteLength < bytes) {
        memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      }
      if (current.buffer !== memory.buffer) current = new Float64Array(memory.buffer);
      return current;
    },
    view32() {
      if (current32.buffer !== memory.buffer) current32 = new Float32Array(memory.buffer);
      return current32;
    },
  };
}

let shared: WasmKernels | null | undefined;

/**
 * This thread's kernel instance, created on first use (undefined without SIMD). Its
 * memory is scratch space: callers copy results out before returning, and no caller
 * keeps a view across a call to another kernel user.
 */
export function wasmKernels(): WasmKernels | undefined {
  if (shared === undefined) shared = createWasmKernels() ?? null;
  return shared ?? undefined;
}
