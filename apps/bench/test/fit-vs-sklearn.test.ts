import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSuite } from '../src/run-suite.js';

const sampling = { batchMs: 1, warmupMs: 1, rounds: 3, maxCaseMs: 1_000 };

async function loadSuite() {
  vi.resetModules();
  const module = await import('../../../packages/core/bench/fit-vs-sklearn.bench.js');
  return module.default;
}

describe('core/fit-vs-sklearn without scikit-learn', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reports every dataset as not measured, naming the interpreter, instead of failing the run', async () => {
    vi.stubEnv('TOOLBOX_PYTHON', '/nonexistent/python3');
    const run = await runSuite(await loadSuite(), { context: { quick: false }, sampling });
    expect(run.results).toEqual([]);
    expect(run.notMeasured.map((entry) => entry.name.split(' ')[1])).toEqual([
      'iris',
      'wine',
      'breast_cancer',
      'digits',
      'diabetes',
    ]);
    for (const entry of run.notMeasured) {
      expect(entry.reason).toBe('scikit-learn not installed for /nonexistent/python3; set TOOLBOX_PYTHON');
      expect(entry.target?.label).toMatch(/same score ±1 point as scikit-learn 5-fold CV, less time/);
    }
  });

  it('is not measured with --quick, so the quick gate never depends on scikit-learn', async () => {
    const run = await runSuite(await loadSuite(), { context: { quick: true }, sampling, pattern: /iris/ });
    expect(run.results).toEqual([]);
    expect(run.notMeasured).toHaveLength(1);
    expect(run.notMeasured[0]?.reason).toBe('not run with --quick');
  });
});
