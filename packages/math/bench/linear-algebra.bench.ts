import { type BenchCase, defineSuite } from '@toolbox/config/bench';
import { createMatrix, type DenseMatrix } from '@toolbox/contracts';
import {
  CholeskyDecomposition,
  EigenvalueDecomposition,
  Matrix,
  correlation as mlCorrelation,
  SingularValueDecomposition,
} from 'ml-matrix';
import {
  cholesky,
  choleskySolve,
  correlation,
  eigSymmetric,
  gram,
  matmul,
  pairwiseSquaredEuclidean,
  solveSPD,
  svd,
} from '../src/index.js';
import { random } from './_random.js';

/**
 * A few untimed calls of each side in the case's set-up: the decompositions are
 * long functions that V8 optimizes in the background, which on a loaded 2-core machine
 * can take longer than --quick's 20 ms warm-up.
 */
function warmUp(...sides: Array<() => unknown>): void {
  for (let i = 0; i < 3; i++) for (const side of sides) side();
}

const toMl = (m: DenseMatrix): Matrix => Matrix.from1DArray(m.rows, m.cols, Array.from(m.data));

/** ‖a‖² + ‖b‖² − 2·a·bᵀ with ml-matrix operations (the same algorithm, ml-matrix kernels). */
function mlPairwise(a: Matrix, b: Matrix): Matrix {
  const product = a.mmul(b.transpose());
  const aNorms = a.to2DArray().map((row) => row.reduce((s, v) => s + v * v, 0));
  const bNorms = b.to2DArray().map((row) => row.reduce((s, v) => s + v * v, 0));
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) {
      product.set(i, j, Math.max(0, (aNorms[i] as number) + (bNorms[j] as number) - 2 * product.get(i, j)));
    }
  }
  return product;
}

export default defineSuite({
  name: 'math',
  cases: ({ quick }) => {
    const matmulSizes = quick ? [128, 512] : [128, 256, 512, 1024];
    const svdSizes = quick ? [128] : [128, 256, 512];
    const cases: BenchCase[] = matmulSizes.map((n) => {
      const a = random(n, n);
      const b = random(n, n);
      const out = createMatrix(n, n);
      const [ma, mb] = [toMl(a), toMl(b)];
      return {
        name: `matmul ${n}x${n}`,
        baseline: { name: 'ml-matrix mmul', fn: () => ma.mmul(mb) },
        candidate: { name: 'toolbox matmul (out)', fn: () => matmul(a, b, out) },
        work: { amount: 2 * n ** 3, unit: 'FLOP' },
        ...(n === 512
          ? { target: { minSpeedup: 10, label: 'matmul 512x512 ≥ 10× ml-matrix (DESIGN §4)' } }
          : {}),
      };
    });

    const x = random(2000, 50);
    const mx = toMl(x);
    const gramOut = createMatrix(50, 50);
    cases.push({
      name: 'gram 2000x50',
      baseline: { name: 'ml-matrix transpose().mmul()', fn: () => mx.transpose().mmul(mx) },
      candidate: { name: 'toolbox gram (out)', fn: () => gram(x, gramOut) },
      work: { amount: 2 * 2000 * 50 * 50, unit: 'FLOP' },
    });

    const rows = quick ? 1000 : 5000;
    const c = random(rows, 64);
    const mc = toMl(c);
    const corrOut = createMatrix(64, 64);
    cases.push({
      name: `correlation ${rows}x64`,
      baseline: { name: 'ml-matrix correlation', fn: () => mlCorrelation(mc) },
      candidate: { name: 'toolbox correlation (out)', fn: () => correlation(c, corrOut) },
      work: { amount: 2 * rows * 64 * 64, unit: 'FLOP' },
    });

    const points = quick ? 500 : 2000;
    const p = random(points, 16);
    const q = random(points, 16);
    const [mp, mq] = [toMl(p), toMl(q)];
    const distOut = createMatrix(points, points);
    cases.push({
      name: `pairwise distances ${points}x${points}x16`,
      baseline: { name: 'ml-matrix mmul + norms', fn: () => mlPairwise(mp, mq) },
      candidate: {
        name: 'toolbox pairwiseSquaredEuclidean (out)',
        fn: () => pairwiseSquaredEuclidean(p, q, distOut),
      },
      work: { amount: 2 * points * points * 16, unit: 'FLOP' },
    });

    for (const n of svdSizes) {
      const a = random(n, n);
      const ma = toMl(a);
      cases.push({
        name: `svd ${n}x${n}`,
        setup: () =>
          warmUp(
            () => svd(a),
            () => new SingularValueDecomposition(ma),
          ),
        baseline: {
          name: 'ml-matrix SingularValueDecomposition',
          fn: () => new SingularValueDecomposition(ma),
        },
        candidate: { name: 'toolbox svd (u, s, v)', fn: () => svd(a) },
        ...(n === 512
          ? { target: { minSpeedup: 10, label: 'svd 512x512 ≥ 10× ml-matrix (DESIGN §4)' } }
          : {}),
      });
    }

    const eigSize = quick ? 128 : 256;
    const sym = gram(random(eigSize + 5, eigSize));
    const msym = toMl(sym);
    cases.push({
      name: `eigSymmetric ${eigSize}x${eigSize}`,
      setup: () =>
        warmUp(
          () => eigSymmetric(sym),
          () => new EigenvalueDecomposition(msym, { assumeSymmetric: true }),
        ),
      baseline: {
        name: 'ml-matrix EigenvalueDecomposition (assumeSymmetric)',
        fn: () => new EigenvalueDecomposition(msym, { assumeSymmetric: true }),
      },
      candidate: { name: 'toolbox eigSymmetric', fn: () => eigSymmetric(sym) },
    });

    const n = quick ? 256 : 512;
    const base = random(n + 10, n);
    const spd = gram(base);
    for (let i = 0; i < n; i++) spd.data[i * n + i] = (spd.data[i * n + i] as number) + n;
    const rhs = random(n, 1).data;
    const mspd = toMl(spd);
    const mrhs = Matrix.columnVector(Array.from(rhs));
    cases.push({
      name: `cholesky solve ${n}x${n}`,
      baseline: {
        name: 'ml-matrix CholeskyDecomposition.solve',
        fn: () => new CholeskyDecomposition(mspd).solve(mrhs),
      },
      candidate: { name: 'toolbox solveSPD', fn: () => solveSPD(spd, rhs) },
      work: { amount: n ** 3 / 3, unit: 'FLOP' },
    });
    const factor = cholesky(spd);
    cases.push({
      name: `cholesky re-solve ${n}x${n} (factor reused)`,
      baseline: {
        name: 'ml-matrix CholeskyDecomposition.solve',
        fn: () => new CholeskyDecomposition(mspd).solve(mrhs),
      },
      candidate: { name: 'toolbox choleskySolve', fn: () => choleskySolve(factor, rhs) },
    });
    return cases;
  },
});
