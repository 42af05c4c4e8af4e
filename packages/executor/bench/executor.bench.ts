import { fileURLToPath } from 'node:url';
import { type BenchCase, defineSuite } from '@toolbox/config/bench';
import { Piscina } from 'piscina';
import { createExecutor, type Executor } from '../src/index.js';
import { spinPerMs, task, workloads } from './_workloads.js';
import { spin } from './tasks.mjs';

let executor: Executor | undefined;
let plainPool: Piscina | undefined;

/** Plain piscina, one task per item, on a pool of the same size kept warm between calls. */
function plainPiscina(fn: 'spin' | 'addOne', items: number[]): Promise<unknown[]> {
  plainPool ??= new Piscina({
    filename: fileURLToPath(new URL('./plain-piscina-worker.mjs', import.meta.url)),
    minThreads: 2,
    maxThreads: 2,
  });
  const pool = plainPool;
  return Promise.all(items.map((item) => pool.run({ fn, item })));
}

export default defineSuite({
  name: 'executor',
  cases: ({ quick }) => {
    const ex = createExecutor({ maxWorkers: 2 });
    executor = ex;
    const perMs = spinPerMs();
    const cases: BenchCase[] = workloads(quick, perMs).map((workload) => ({
      name: workload.name,
      baseline: { name: 'serial loop', fn: () => workload.serial(workload.items) },
      candidate: { name: 'planned map', fn: () => ex.map(workload.task, workload.items) },
      work: { amount: workload.items.length, unit: 'items' },
    }));
    const [trivial, heavy] = cases as [BenchCase, BenchCase];
    trivial.target = {
      minSpeedup: 1 / 1.05,
      label: 'planned map on trivial work (x+1, 100k items) ≤ 1.05x serial time',
    };
    heavy.target = {
      minSpeedup: 1.85,
      label: 'planned map on heavy uniform work (2 ms/item) ≥ 1.85x serial on 2 cores',
    };

    const streamCount = quick ? 10_000 : 100_000;
    const streamIterations = Math.round(0.02 * perMs);
    async function* source() {
      for (let index = 0; index < streamCount; index++) yield streamIterations;
    }
    cases.push({
      name: `stream of ${quick ? '10k' : '100k'} items (20 µs each)`,
      baseline: {
        name: 'serial for await',
        fn: async () => {
          const out: number[] = [];
          for await (const item of source()) out.push(spin(item));
          return out;
        },
      },
      candidate: {
        name: 'executor.stream',
        fn: async () => {
          const out: unknown[] = [];
          for await (const value of ex.stream(task('spin'), source(), { maxInFlight: 4096 })) out.push(value);
          return out;
        },
      },
      work: { amount: streamCount, unit: 'items' },
    });

    const heavyItems = new Array(quick ? 200 : 500).fill(Math.round(2 * perMs));
    cases.push({
      name: `2 ms x ${heavyItems.length} items vs plain piscina`,
      baseline: { name: 'piscina one task per item', fn: () => plainPiscina('spin', heavyItems) },
      candidate: { name: 'planned map', fn: () => ex.map(task('spin'), heavyItems) },
    });
    const trivialItems = Array.from({ length: 10_000 }, (_, index) => index);
    cases.push({
      name: 'trivial x+1, 10k items vs plain piscina',
      baseline: { name: 'piscina one task per item', fn: () => plainPiscina('addOne', trivialItems) },
      candidate: { name: 'planned map', fn: () => ex.map(task('addOne'), trivialItems) },
    });
    return cases;
  },
  teardown: async () => {
    await executor?.dispose();
    await plainPool?.destroy();
    executor = undefined;
    plainPool = undefined;
  },
});
