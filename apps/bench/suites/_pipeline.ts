/**
 * The pipeline shared by the cross-package suites: generated rows, a CPU-heavy per-row
 * feature map in worker threads, standardisation, and a ridge fit. Written once by hand
 * (plain loops, ml-matrix, piscina one task per item) and once through the toolbox.
 */
import { fileURLToPath } from 'node:url';
import { createMatrix, type DenseMatrix } from '@toolbox/contracts';
import type { Toolbox } from '@toolbox/core';
import type { ModuleTask } from '@toolbox/executor';
import { Ridge, StandardScaler } from '@toolbox/predictor';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Piscina } from 'piscina';
import { random } from '../../../packages/executor/bench/_workloads.js';

export const TASKS_FILE = fileURLToPath(new URL('./_pipeline-tasks.mjs', import.meta.url));
export const FEATURES_TASK: ModuleTask = { module: TASKS_FILE, export: 'features' };
/** Ridge penalty of both sides. */
export const ALPHA = 1;

export interface PipelineData {
  rows: number[][];
  y: Float64Array;
}

/** `count` rows of `width` values in [-2, 2] and a noisy linear target, seeded. */
export function pipelineData(count: number, width: number): PipelineData {
  const next = random(11);
  const weights = Array.from({ length: width }, () => next() * 2 - 1);
  const rows: number[][] = [];
  const y = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const row = Array.from({ length: width }, () => next() * 4 - 2);
    rows.push(row);
    let target = next() * 0.1;
    for (let j = 0; j < width; j++) target += (weights[j] as number) * Math.sin(row[j] as number);
    y[i] = target;
  }
  return { rows, y };
}

/** Hand-rolled: piscina one task per row, standardise by loops, ridge by ml-matrix's Cholesky. */
export async function handRolledPipeline(pool: Piscina, data: PipelineData): Promise<Float64Array> {
  const mapped: number[][] = await Promise.all(
    data.rows.map((row) => pool.run(row, { name: 'features' }) as Promise<number[]>),
  );
  const n = mapped.length;
  const d = (mapped[0] as number[]).length;
  const means = new Float64Array(d);
  const stds = new Float64Array(d);
  for (const row of mapped)
    for (let j = 0; j < d; j++) means[j] = (means[j] as number) + (row[j] as number) / n;
  for (const row of mapped) {
    for (let j = 0; j < d; j++)
      stds[j] = (stds[j] as number) + ((row[j] as number) - (means[j] as number)) ** 2 / n;
  }
  for (let j = 0; j < d; j++) stds[j] = Math.sqrt(stds[j] as number) || 1;
  const standardised = mapped.map((row) =>
    row.map((value, j) => (value - (means[j] as number)) / (stds[j] as number)),
  );
  let yMean = 0;
  for (const value of data.y) yMean += value / n;
  const X = new Matrix(standardised);
  const Xt = X.transpose();
  const A = Xt.mmul(X);
  for (let j = 0; j < d; j++) A.set(j, j, A.get(j, j) + ALPHA);
  const b = Xt.mmul(Matrix.columnVector(Array.from(data.y, (value) => value - yMean)));
  return Float64Array.from(new CholeskyDecomposition(A).solve(b).getColumn(0));
}

/** Rows of equal length as a dense matrix. */
export function toMatrix(rows: readonly (readonly number[])[]): DenseMatrix {
  const cols = (rows[0] as readonly number[]).length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    data.set(row, i * cols);
  });
  return createMatrix(rows.length, cols, data);
}

/** `StandardScaler` then `Ridge` (the predictor's), returning the coefficients. */
export function standardiseAndFit(X: DenseMatrix, y: Float64Array): Float64Array {
  return new Ridge({ alpha: ALPHA }).fit(new StandardScaler().fitTransform(X), y).coef;
}

/** Through the toolbox: a planned `toolbox.map` of the module task, then the predictor. */
export async function toolboxPipeline(toolbox: Toolbox, data: PipelineData): Promise<Float64Array> {
  const mapped = (await toolbox.map(FEATURES_TASK, data.rows)) as number[][];
  return standardiseAndFit(toMatrix(mapped), data.y);
}

/** Largest absolute difference, to check that both sides compute the same model. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs((a[k] as number) - (b[k] as number)));
  return worst;
}
