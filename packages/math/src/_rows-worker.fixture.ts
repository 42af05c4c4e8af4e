/**
 * Test fixture: a worker thread that computes one row block of A·B into a shared
 * output (what an executor does with `matmulRows`). Loaded by matmul-threads.test.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DenseMatrix } from '@toolbox/contracts';
import { matmulRows } from './matmul.js';

interface Job {
  a: DenseMatrix;
  b: DenseMatrix;
  out: DenseMatrix;
  rowStart: number;
  rowEnd: number;
}

const { a, b, out, rowStart, rowEnd } = workerData as Job;
matmulRows(a, b, out, rowStart, rowEnd);
parentPort?.postMessage('done');
