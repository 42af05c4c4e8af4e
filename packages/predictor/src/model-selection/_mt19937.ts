/**
 * Mersenne Twister MT19937 (Matsumoto & Nishimura 1998) seeded like numpy's legacy
 * `RandomState(seed)` (`init_genrand`), with numpy's `shuffle` (Fisher–Yates from
 * the end, bounded draws by masked rejection). Used only for fold shuffles, so that
 * a seed gives the same folds as scikit-learn's `KFold`/`StratifiedKFold` with the
 * same `random_state`, and cross-validation scores compare like for like.
 */
export function numpyShuffler(seed: number): (array: Uint32Array | Int32Array) => void {
  const next = mt19937(seed);
  return (array) => shuffle(array, next);
}

function shuffle(array: Uint32Array | Int32Array, next: () => number): void {
  for (let i = array.length - 1; i > 0; i--) {
    let mask = i;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let j: number;
    do j = (next() & mask) >>> 0;
    while (j > i);
    const tmp = array[i] as number;
    array[i] = array[j] as number;
    array[j] = tmp;
  }
}

function mt19937(seed: number): () => number {
  const state = new Uint32Array(624);
  state[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = (state[i - 1] as number) ^ ((state[i - 1] as number) >>> 30);
    state[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
  let index = 624;
  return () => {
    if (index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = ((state[k] as number) & 0x80000000) | ((state[(k + 1) % 624] as number) & 0x7fffffff);
        let value = (state[(k + 397) % 624] as number) ^ (y >>> 1);
        if (y & 1) value ^= 0x9908b0df;
        state[k] = value >>> 0;
      }
      index = 0;
    }
    let y = state[index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
}
