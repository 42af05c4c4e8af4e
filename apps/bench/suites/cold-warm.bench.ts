/**
 * Cold vs warm: the same small pipeline (planned feature map, then a memoised standardise +
 * ridge step) on a fresh toolbox with an empty cache and advisor per call (temp dirs), and
 * on one toolbox reused, whose plan comes from the advisor's history and whose memoised
 * step hits the cache.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchCase, defineSuite } from '@toolbox/config/bench';
import type { ExecutionRecord } from '@toolbox/contracts';
import { createToolbox, type Toolbox } from '@toolbox/core';
import {
  FEATURES_TASK,
  maxAbsDifference,
  type PipelineData,
  pipelineData,
  standardiseAndFit,
  toMatrix,
} from './_pipeline.js';

let warm: { toolbox: Toolbox; root: string } | undefined;

function openToolbox(root: string): Toolbox {
  // The CPU limit is lifted on both sides: this suite measures set-up, planning and
  // memoisation, not the governor's reaction to other load on the machine.
  return createToolbox({
    advisor: { dir: join(root, 'advisor') },
    cache: { dir: join(root, 'cache') },
    maxCpuPercent: 100,
    maxWorkers: Math.min(2, availableParallelism()),
  });
}

async function pipeline(
  toolbox: Toolbox,
  data: PipelineData,
  onRecord?: (record: ExecutionRecord) => void,
): Promise<Float64Array> {
  const mapped = (await toolbox.map(FEATURES_TASK, data.rows, { onRecord })) as number[][];
  const { value } = await toolbox.optimizeOperation('pipeline.standardise-and-fit', standardiseAndFit, {
    args: [toMatrix(mapped), data.y],
    cache: true,
  });
  return value;
}

/** A fresh toolbox on empty temp dirs, one pipeline run, then everything released. */
async function coldPipeline(data: PipelineData): Promise<Float64Array> {
  const root = await mkdtemp(join(tmpdir(), 'toolbox-bench-cold-'));
  const toolbox = openToolbox(root);
  try {
    return await pipeline(toolbox, data);
  } finally {
    await toolbox.dispose();
    await rm(root, { recursive: true, force: true });
  }
}

export default defineSuite({
  name: 'cold-warm',
  cases: ({ quick }) => {
    const count = quick ? 600 : 2_000;
    const width = 20;
    let data: ReturnType<typeof pipelineData>;
    let toolbox: Toolbox;
    const cases: BenchCase[] = [
      {
        name: `pipeline of ${count}x${width} rows: fresh toolbox vs reused`,
        setup: async () => {
          data = pipelineData(count, width);
          const root = await mkdtemp(join(tmpdir(), 'toolbox-bench-warm-'));
          toolbox = openToolbox(root);
          warm = { toolbox, root };
          const cold = await coldPipeline(data);
          const sources: string[] = [];
          for (let run = 0; run < 5; run++) {
            const result = await pipeline(toolbox, data, (record) => {
              sources.push(record.plan.source);
            });
            const difference = maxAbsDifference(cold, result);
            if (!(difference < 1e-9)) {
              throw new Error(
                `cold-warm: cold and warm results disagree (largest coefficient difference ${difference})`,
              );
            }
          }
          const stats = toolbox.getOptimizationStats();
          console.log(
            `cold-warm: plan sources of the first warm runs: ${sources.join(', ')}; memoised step: ${stats.cacheHits} hits, ${stats.cacheMisses} misses`,
          );
        },
        baseline: { name: 'fresh toolbox, empty cache and advisor', fn: () => coldPipeline(data) },
        candidate: { name: 'reused toolbox (advised plan, cache hit)', fn: () => pipeline(toolbox, data) },
        work: { amount: count, unit: 'rows' },
      },
    ];
    return cases;
  },
  teardown: async () => {
    if (warm === undefined) return;
    const { toolbox, root } = warm;
    warm = undefined;
    console.log(`cold-warm: advisor after the run: ${JSON.stringify(toolbox.advisor?.stats())}`);
    await toolbox.dispose();
    await rm(root, { recursive: true, force: true });
  },
});
