/**
 * Dry-run planning cost (DESIGN §4: ≤ 30 ms, and ≤ 5 % of the job). The job is 2 ms busy
 * items: `plan()` samples a few of them in-process (their results are reused by `map`),
 * measures pool and chunk costs once per executor, and decides.
 */
import { type BenchCase, defineSuite } from '@toolbox/config/bench';
import { createToolbox, type Toolbox } from '@toolbox/core';
import type { PlanInput } from '@toolbox/executor';
import { spinPerMs, task } from '../../../packages/executor/bench/_workloads.js';

let toolbox: Toolbox | undefined;

export default defineSuite({
  name: 'planning-overhead',
  cases: ({ quick }) => {
    const spin = task('spin');
    const itemCount = quick ? 150 : 500;
    let box: Toolbox;
    let items: number[];
    let fixed: PlanInput;
    /** Shared by both cases, built by whichever is selected first. */
    const setup = async () => {
      if (toolbox !== undefined) return;
      // No advisor: every plan() is a real dry run. CPU limit lifted so machine load cannot
      // make the governor throttle one side only.
      toolbox = createToolbox({ advisor: false, cache: false, autoStart: false, maxCpuPercent: 100 });
      box = toolbox;
      items = new Array(itemCount).fill(Math.round(2 * spinPerMs()));
      const known = await box.executor.plan(spin, items, { taskType: 'feature-engineering' });
      // The fixed plan without its dry-run results, so the baseline computes every item.
      fixed = {
        mode: known.mode,
        workers: known.workers,
        chunkSize: known.chunkSize,
        maxInFlight: known.maxInFlight,
      };
    };
    const cases: BenchCase[] = [
      {
        name: `2 ms x ${itemCount}: plan() + map vs map with the plan known`,
        setup,
        baseline: { name: 'map, plan given', fn: () => box.map(spin, items, { plan: fixed }) },
        candidate: {
          name: 'plan() then map',
          fn: async () => {
            const plan = await box.executor.plan(spin, items, { taskType: 'feature-engineering' });
            return box.map(spin, items, { plan });
          },
        },
        target: { minSpeedup: 0.95, label: 'dry-run planning ≤ 5 % of the job (DESIGN §4)' },
      },
      {
        name: `2 ms x ${itemCount}: plan() alone vs running the job`,
        setup,
        baseline: { name: 'map, plan given', fn: () => box.map(spin, items, { plan: fixed }) },
        candidate: {
          name: 'plan() (dry run)',
          fn: () => box.executor.plan(spin, items, { taskType: 'feature-engineering' }),
        },
        target: { maxMedianMs: 30, label: 'dry-run planning ≤ 30 ms (DESIGN §4)' },
      },
    ];
    return cases;
  },
  teardown: async () => {
    await toolbox?.dispose();
    toolbox = undefined;
  },
});
