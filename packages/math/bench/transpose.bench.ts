import { defineSuite } from '@toolbox/config/bench';
import { createMatrix } from '@toolbox/contracts';
import { Matrix } from 'ml-matrix';
import { transpose } from '../src/index.js';

export default defineSuite({
  name: 'math',
  cases: ({ quick }) => {
    const n = quick ? 256 : 512;
    const a = createMatrix(n, n);
    for (let k = 0; k < a.data.length; k++) a.data[k] = Math.random();
    const out = createMatrix(n, n);
    const reference = Matrix.from1DArray(n, n, Array.from(a.data));
    return [
      {
        name: `transpose ${n}x${n}`,
        baseline: { name: 'ml-matrix transpose', fn: () => reference.transpose() },
        candidate: { name: 'toolbox transpose (out)', fn: () => transpose(a, out) },
        work: { amount: n * n * 8, unit: 'B' },
      },
    ];
  },
});
