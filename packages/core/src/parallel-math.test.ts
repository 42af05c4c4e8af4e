import { createMatrix, ShapeError } from '@toolbox/contracts';
import { matmul } from '@toolbox/math';
import { afterAll, describe, expect, it } from 'vitest';
import { createToolbox } from './create-toolbox.js';

const toolbox = createToolbox({ autoStart: false, maxCpuPercent: 100, advisor: false, cache: false });
afterAll(() => toolbox.dispose());

function random(rows: number, cols: number, seed: number) {
  const m = createMatrix(rows, cols);
  let state = seed;
  for (let i = 0; i < m.data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    m.data[i] = state / 2 ** 32 - 0.5;
  }
  return m;
}

describe('toolbox.math.matmul', () => {
  it('matches the single-thread product on a product large enough to fan out', async () => {
    const a = random(400, 300, 1);
    const b = random(300, 350, 2);
    const chunksBefore = toolbox.executor.stats().chunks;
    const parallel = await toolbox.math.matmul(a, b);
    // 2 row blocks per usable core went to the workers (none on a single-core machine)
    const cores = toolbox.getSystemStatus().usableCores;
    expect(toolbox.executor.stats().chunks - chunksBefore).toBe(cores >= 2 ? 2 * cores : 0);
    expect(parallel.data.buffer instanceof SharedArrayBuffer).toBe(cores >= 2);
    const reference = matmul(a, b);
    expect(parallel.rows).toBe(400);
    expect(parallel.cols).toBe(350);
    let maxError = 0;
    for (let i = 0; i < reference.data.length; i++) {
      maxError = Math.max(maxError, Math.abs((parallel.data[i] as number) - (reference.data[i] as number)));
    }
    expect(maxError).toBeLessThan(1e-12);
  });

  it('keeps small products on the calling thread with the same result', async () => {
    const a = random(3, 2, 3);
    const b = random(2, 4, 4);
    expect(Array.from((await toolbox.math.matmul(a, b)).data)).toEqual(Array.from(matmul(a, b).data));
  });

  it('rejects mismatched shapes naming both', async () => {
    await expect(toolbox.math.matmul(createMatrix(2, 3), createMatrix(2, 3))).rejects.toBeInstanceOf(
      ShapeError,
    );
    await expect(toolbox.math.matmul(createMatrix(2, 3), createMatrix(2, 3))).rejects.toThrow(
      /a 2x3 and b 2x3/,
    );
  });
});
