/**
 * The planner against a grid search: for each bench workload, times the planned map, a
 * serial loop, and an explicit plan at every (workers, chunk size) of a grid, all in this
 * process with interleaved rounds, and prints how far the planner's choice is from the
 * grid's best. Each time is the fastest of the rounds: on a shared machine other work only
 * ever slows a run down, so the minimum is the least disturbed estimate.
 * Run: `pnpm --filter @toolbox/executor exec tsx bench/grid-search.ts [--quick]`.
 */
import type { ExecutionPlan } from '@toolbox/contracts';
import { createExecutor } from '../src/index.js';
import { spinPerMs, workloads } from './_workloads.js';

const quick = process.argv.includes('--quick');
const rounds = quick ? 5 : 7;

function fastest(values: number[]): number {
  return Math.min(...values);
}

async function timeMs(fn: () => unknown): Promise<number> {
  const startedMs = performance.now();
  await fn();
  return performance.now() - startedMs;
}

function chunkGrid(itemCount: number, workers: number): number[] {
  const sizes = new Set<number>();
  for (let size = 1; size <= Math.ceil(itemCount / workers); size *= 4) sizes.add(size);
  sizes.add(Math.ceil(itemCount / workers));
  for (const perWorker of [2, 4, 8, 16, 32])
    sizes.add(Math.max(1, Math.ceil(itemCount / (workers * perWorker))));
  return [...sizes].sort((a, b) => a - b);
}

const executor = createExecutor({ maxWorkers: 2 });
const perMs = spinPerMs();
const lines = [
  '| workload | planner choice | planned ms | serial ms | grid best (workers, chunk) | grid best ms | planned / best |',
  '|---|---|---:|---:|---|---:|---:|',
];
for (const workload of workloads(quick, perMs)) {
  // Warm up the pool, the module and the JIT (as the bench runner does): cheap workloads
  // need dozens of calls before the serial path is optimized.
  const warmupEndMs = performance.now() + 300;
  for (let k = 0; k < 50 && (k < 2 || performance.now() < warmupEndMs); k++) {
    await executor.map(workload.task, workload.items);
    await executor.map(workload.task, workload.items, { plan: { mode: 'serial' } });
    workload.serial(workload.items);
  }
  const candidates: { label: string; plan?: Partial<ExecutionPlan> & Pick<ExecutionPlan, 'mode'> }[] = [
    { label: 'serial', plan: { mode: 'serial' } },
  ];
  for (const workers of [1, 2]) {
    for (const chunkSize of chunkGrid(workload.items.length, workers)) {
      candidates.push({ label: `(${workers}, ${chunkSize})`, plan: { mode: 'threads', workers, chunkSize } });
    }
  }
  const samples = new Map<string, number[]>();
  const planned: number[] = [];
  const serial: number[] = [];
  let chosen: ExecutionPlan | undefined;
  const runs: (() => Promise<void>)[] = [
    async () => {
      planned.push(
        await timeMs(() =>
          executor.map(workload.task, workload.items, {
            onRecord: (record) => {
              chosen = record.plan;
            },
          }),
        ),
      );
    },
    async () => {
      serial.push(await timeMs(() => workload.serial(workload.items)));
    },
    ...candidates.map((candidate) => async () => {
      const ms = await timeMs(() => executor.map(workload.task, workload.items, { plan: candidate.plan }));
      samples.set(candidate.label, [...(samples.get(candidate.label) ?? []), ms]);
    }),
  ];
  for (let round = 0; round < rounds; round++) {
    // Each round starts at a different run, so that no run always follows the same one
    // (and pays for its garbage).
    const offset = Math.floor((round * runs.length) / rounds);
    for (let k = 0; k < runs.length; k++) await (runs[(offset + k) % runs.length] as () => Promise<void>)();
  }
  let best = { label: '', ms: Number.POSITIVE_INFINITY };
  for (const [label, values] of samples) {
    const ms = fastest(values);
    if (ms < best.ms) best = { label, ms };
  }
  const plannedMs = fastest(planned);
  const choice =
    chosen === undefined
      ? '?'
      : chosen.mode === 'threads'
        ? `threads (${chosen.workers}, ${chosen.chunkSize})`
        : chosen.mode;
  lines.push(
    `| ${workload.name} | ${choice} | ${plannedMs.toFixed(2)} | ${fastest(serial).toFixed(2)} | ${best.label} | ${best.ms.toFixed(2)} | ${(plannedMs / best.ms).toFixed(2)} |`,
  );
  process.stderr.write(`${lines.at(-1)}\n`);
}
await executor.dispose();
process.stdout.write(`${lines.join('\n')}\n`);
