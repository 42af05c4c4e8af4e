import { describe, expect, it } from 'vitest';
import { minimizeLbfgs, type Objective } from './_lbfgs.js';

/** f(x) = ½ Σ cᵢ (xᵢ − i)², minimum at x = (0, 1, 2, …), condition number max c / min c. */
function quadratic(curvatures: number[]): Objective {
  return (x, grad) => {
    let value = 0;
    curvatures.forEach((c, i) => {
      const r = (x[i] as number) - i;
      value += 0.5 * c * r * r;
      grad[i] = c * r;
    });
    return value;
  };
}

describe('minimizeLbfgs', () => {
  const curvatures = Array.from({ length: 40 }, (_, i) => 10 ** (-1 + (2 * i) / 39));

  it('reaches the gradient tolerance on an ill-conditioned quadratic', () => {
    const result = minimizeLbfgs(quadratic(curvatures), new Float64Array(40), { maxIter: 500, tol: 1e-6 });
    expect(result.converged).toBe(true);
    expect(result.gradientMaxAbs).toBeLessThanOrEqual(1e-6);
    result.x.forEach((v, i) => {
      expect(v).toBeCloseTo(i, 3);
    });
  });

  it('converges in far fewer iterations with a preconditioner shaped like the inverse Hessian', () => {
    const plain = minimizeLbfgs(quadratic(curvatures), new Float64Array(40), { maxIter: 500, tol: 1e-6 });
    const preconditioned = minimizeLbfgs(quadratic(curvatures), new Float64Array(40), {
      maxIter: 500,
      tol: 1e-6,
      // 7·H⁻¹: right shape, wrong scale (γ fixes the scale).
      precondition: (v) => {
        for (let i = 0; i < v.length; i++) v[i] = (7 * (v[i] as number)) / (curvatures[i] as number);
      },
    });
    expect(preconditioned.converged).toBe(true);
    expect(preconditioned.iterations).toBeLessThan(plain.iterations / 4);
    preconditioned.x.forEach((v, i) => {
      expect(v).toBeCloseTo(i, 3);
    });
  });

  it('reports non-convergence when the iteration cap is hit', () => {
    const result = minimizeLbfgs(quadratic(curvatures), new Float64Array(40), { maxIter: 3, tol: 1e-12 });
    expect(result).toMatchObject({ converged: false, iterations: 3 });
    expect(result.gradientMaxAbs).toBeGreaterThan(1e-12);
  });
});
