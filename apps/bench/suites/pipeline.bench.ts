/**
 * "Toolbox vs hand-rolled": the same feature-engineering + training pipeline written the
 * way a Node user would (piscina one task per row, plain loops, ml-matrix) and through
 * `@toolbox/core` (planned `toolbox.map`, the predictor's `StandardScaler` and `Ridge`).
 */
import { availableParallelism } from 'node:os';
import { type BenchCase, defineSuite } from '@toolbox/config/bench';
import { createToolbox, type Toolbox } from '@toolbox/core';
import { Piscina } from 'piscina';
import {
  handRolledPipeline,
  maxAbsDifference,
  pipelineData,
  TASKS_FILE,
  toolboxPipeline,
} from './_pipeline.js';

let toolbox: Toolbox | undefined;
let pool: Piscina | undefined;

export default defineSuite({
  name: 'pipeline',
  cases: ({ quick }) => {
    const count = quick ? 1_500 : 5_000;
    const width = 20;
    let data: ReturnType<typeof pipelineData>;
    let box: Toolbox;
    let piscina: Piscina;
    const cases: BenchCase[] = [
      {
        name: `feature map + standardise + ridge, ${count}x${width} rows`,
        setup: async () => {
          const workers = Math.min(2, availableParallelism());
          // The CPU limit is lifted so that both sides get the same cores: this suite measures
          // the planning and batching, not the governor's reaction to other load on the machine.
          box = createToolbox({ advisor: false, cache: false, maxCpuPercent: 100, maxWorkers: workers });
          toolbox = box;
          piscina = new Piscina({ filename: TASKS_FILE, minThreads: workers, maxThreads: workers });
          pool = piscina;
          data = pipelineData(count, width);
          const expected = await handRolledPipeline(piscina, data);
          const actual = await toolboxPipeline(box, data);
          const difference = maxAbsDifference(expected, actual);
          if (!(difference < 1e-6)) {
            throw new Error(
              `pipeline: the two sides disagree (largest coefficient difference ${difference})`,
            );
          }
        },
        baseline: {
          name: 'piscina per row + loops + ml-matrix',
          fn: () => handRolledPipeline(piscina, data),
        },
        candidate: { name: 'toolbox.map + StandardScaler + Ridge', fn: () => toolboxPipeline(box, data) },
        work: { amount: count, unit: 'rows' },
      },
    ];
    return cases;
  },
  teardown: async () => {
    await toolbox?.dispose();
    await pool?.destroy();
    toolbox = undefined;
    pool = undefined;
  },
});
