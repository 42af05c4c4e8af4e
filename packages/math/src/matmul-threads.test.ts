import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, naiveMatmul, randomMatrix } from './_naive.js';
import { createSharedMatrix, rowBlocks } from './shared.js';

function runWorker(workerData: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    // Node 20 ignores `--import tsx` in a worker's execArgv, so register tsx in the worker itself.
    const fixture = new URL('./_rows-worker.fixture.ts', import.meta.url).href;
    const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(fixture)}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData });
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
    });
  });
}

describe('matmulRows on worker threads', () => {
  it('two threads writing disjoint row blocks of a SharedArrayBuffer output give A·B', async () => {
    const a = createSharedMatrix(150, 90);
    a.data.set(randomMatrix(150, 90, 1).data);
    const b = createSharedMatrix(90, 70);
    b.data.set(randomMatrix(90, 70, 2).data);
    const out = createSharedMatrix(150, 70);
    await Promise.all(
      rowBlocks(150, 2).map(([rowStart, rowEnd]) => runWorker({ a, b, out, rowStart, rowEnd })),
    );
    expect(maxAbsDiff(out, naiveMatmul(a, b))).toBeLessThan(1e-12);
  }, 60_000);
});
