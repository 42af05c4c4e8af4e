/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A generated "sensor" table: `rows` x `cols` values, correlated in pairs, with a
 * binary label that depends on a non-linear mix of them (what the engineered features
 * make learnable).
 */
export function generateSensorRows(
  rows: number,
  cols: number,
  seed = 7,
): { rows: number[][]; labels: Float64Array } {
  const random = seededRandom(seed);
  const data: number[][] = new Array(rows);
  const labels = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols);
    for (let j = 0; j < cols; j++) {
      const noise = random() * 2 - 1;
      row[j] = j % 2 === 1 ? 0.6 * (row[j - 1] as number) + 0.4 * noise : noise * 3;
    }
    data[i] = row;
    labels[i] = Math.sin(row[0] as number) * (row[1] as number) + 0.3 * (row[2] as number) > 0 ? 1 : 0;
  }
  return { rows: data, labels };
}
