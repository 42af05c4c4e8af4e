import { type BenchCase, defineSuite } from '@toolbox/config/bench';
import { createMatrix } from '@toolbox/contracts';
import { matmul } from '@toolbox/math';
import { crossValidate } from '@toolbox/predictor';
import { type DatasetName, loadDataset } from '@toolbox/predictor/datasets';
import { candidateFor } from '../src/fit/candidates.js';
import { detectTask } from '../src/fit/detect-task.js';
import { createToolbox, type Toolbox } from '../src/index.js';

let toolbox: Toolbox | undefined;

export default defineSuite({
  name: 'core',
  cases: ({ quick }) => {
    toolbox = createToolbox({ advisor: false, cache: { maxBytes: 64 * 1024 ** 2 }, autoStart: false });
    const box = toolbox;
    const noop = () => 1;
    const cases: BenchCase[] = [
      {
        name: 'optimizeOperation overhead, no-op, uncached',
        baseline: { name: 'direct call', fn: noop },
        candidate: { name: 'toolbox.optimizeOperation', fn: () => box.optimizeOperation('noop', noop) },
        target: { maxMedianMs: 0.005, label: 'optimizeOperation overhead < 5 µs uncached (issue 11)' },
      },
    ];
    const datasets: DatasetName[] = quick
      ? ['iris', 'wine']
      : ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes'];
    for (const name of datasets) {
      const data = loadDataset(name);
      const task = detectTask(data.y);
      const context = { task, hasMissing: false, categoricalColumns: [], seed: 0 };
      cases.push({
        name: `fit ${name} (3 model families, 5-fold CV)`,
        // The same three pipelines cross-validated one after another on the calling thread.
        baseline: {
          name: 'crossValidate x3, serial',
          fn: () => {
            for (const family of ['linear', 'knn', 'random-forest'] as const) {
              crossValidate(candidateFor(family, context).spec, data.X, data.y, { folds: 5, seed: 0 });
            }
            return 0;
          },
        },
        candidate: {
          name: 'toolbox.fit (parallel CV, no cache)',
          fn: () => box.fit(data.X, data.y, { cache: false }),
        },
      });
    }
    const n = quick ? 512 : 1024;
    const a = createMatrix(n, n);
    const b = createMatrix(n, n);
    for (let i = 0; i < a.data.length; i++) {
      a.data[i] = Math.sin(i);
      b.data[i] = Math.cos(i);
    }
    cases.push({
      name: `matmul ${n}x${n} on the workers`,
      baseline: { name: '@toolbox/math matmul (one thread)', fn: () => matmul(a, b) },
      candidate: { name: 'toolbox.math.matmul (row blocks on workers)', fn: () => box.math.matmul(a, b) },
      work: { amount: 2 * n ** 3, unit: 'FLOP' },
    } as (typeof cases)[number]);
    return cases;
  },
  teardown: () => toolbox?.dispose(),
});
