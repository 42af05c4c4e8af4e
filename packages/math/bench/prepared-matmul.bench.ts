import { defineSuite } from '@toolbox/config/bench';
import { createMatrix } from '@toolbox/contracts';
import { matmulTransposeA, matmulTransposeB, type PreparedMatrix, prepareMatmul } from '../src/index.js';
import { random } from './_random.js';

/**
 * One gradient step of a linear model with a fixed design X (n x d) and a small weight
 * matrix W (10 x d): logits Z = X·Wᵀ, then Zᵀ·X. The candidate prepares X once.
 */
export default defineSuite({
  name: 'math',
  cases: ({ quick }) => {
    const [n, d, outputs] = [quick ? 1000 : 2000, 64, 10];
    let x = createMatrix(0, 0);
    let px: PreparedMatrix = prepareMatmul(x);
    const w = createMatrix(outputs, d);
    const z = createMatrix(n, outputs);
    const g = createMatrix(outputs, d);
    return [
      {
        name: `X·Wᵀ then Zᵀ·X, X ${n}x${d}, W ${outputs}x${d}`,
        setup: () => {
          x = random(n, d);
          px = prepareMatmul(x);
          w.data.set(random(outputs, d).data);
        },
        baseline: {
          name: 'matmulTransposeB + matmulTransposeA on X',
          fn: () => matmulTransposeA(matmulTransposeB(x, w, z), x, g),
        },
        candidate: {
          name: 'the same on prepareMatmul(X)',
          fn: () => matmulTransposeA(matmulTransposeB(px, w, z), px, g),
        },
        work: { amount: 2 * 2 * n * d * outputs, unit: 'FLOP' },
      },
    ];
  },
});
