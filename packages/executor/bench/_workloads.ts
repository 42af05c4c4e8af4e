import { fileURLToPath } from 'node:url';
import type { ModuleTask } from '../src/index.js';
import { addOne, spin, sum } from './tasks.mjs';

const TASKS = fileURLToPath(new URL('./tasks.mjs', import.meta.url));

export const task = (name: 'spin' | 'addOne' | 'sum'): ModuleTask => ({ module: TASKS, export: name });

/** Iterations of `spin` that take about one millisecond on this thread (median of 5). */
export function spinPerMs(): number {
  spin(2_000_000);
  const rates: number[] = [];
  for (let k = 0; k < 5; k++) {
    const startedMs = performance.now();
    spin(200_000);
    rates.push(200_000 / (performance.now() - startedMs));
  }
  rates.sort((a, b) => a - b);
  return rates[2] as number;
}

/** Mulberry32: a small seeded generator, so every run measures the same items. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal item costs in iterations: median `medianMs`, shape `sigma`. */
export function logNormalItems(count: number, medianMs: number, sigma: number, perMs: number): number[] {
  const next = random(7);
  return Array.from({ length: count }, () => {
    const u = Math.max(next(), 1e-12);
    const v = next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.round(medianMs * Math.exp(sigma * normal) * perMs);
  });
}

export interface Workload {
  name: string;
  task: ModuleTask;
  items: unknown[];
  serial: (items: unknown[]) => unknown[];
}

/** The bench workloads, sized for a full or a `--quick` run. */
export function workloads(quick: boolean, perMs: number): Workload[] {
  const mb = 1024 * 1024;
  return [
    {
      name: 'trivial x+1, 100k items',
      task: task('addOne'),
      items: Array.from({ length: 100_000 }, (_, index) => index),
      serial: (items) => (items as number[]).map(addOne),
    },
    {
      name: `2 ms busy loop x ${quick ? 200 : 500} items`,
      task: task('spin'),
      items: new Array(quick ? 200 : 500).fill(Math.round(2 * perMs)),
      serial: (items) => (items as number[]).map(spin),
    },
    {
      name: `log-normal items (median 0.5 ms, sigma 1) x ${quick ? 200 : 600}`,
      task: task('spin'),
      items: logNormalItems(quick ? 200 : 600, 0.5, 1, perMs),
      serial: (items) => (items as number[]).map(spin),
    },
    {
      name: `1 MB payload per item, light compute, ${quick ? 16 : 64} items`,
      task: task('sum'),
      items: Array.from({ length: quick ? 16 : 64 }, (_, index) => new Float64Array(mb / 8).fill(index)),
      serial: (items) => (items as Float64Array[]).map(sum),
    },
    {
      name: `50 µs x ${quick ? '10k' : '200k'} items`,
      task: task('spin'),
      items: new Array(quick ? 10_000 : 200_000).fill(Math.round(0.05 * perMs)),
      serial: (items) => (items as number[]).map(spin),
    },
  ];
}
