import { type Cache, hashKey } from '@toolbox/cache';
import {
  assertDenseMatrix,
  type DenseMatrix,
  fromArray,
  InvalidInputError,
  isDenseMatrix,
  ShapeError,
} from '@toolbox/contracts';
import type { Executor, ModuleTask } from '@toolbox/executor';
import {
  type AnyModel,
  createEstimator,
  createFoldTasks,
  type EstimatorJSON,
  type EstimatorSpec,
  estimatorFromJSON,
  type FoldResult,
  type FoldTask,
  SCORINGS,
  type Scoring,
  summarizeFolds,
} from '@toolbox/predictor';
import type { Registry } from '@toolbox/registry';
import { type Candidate, candidateFor, MODEL_NAMES, type ModelName, searchGrid } from './candidates.js';
import { detectTask, type FitTask } from './detect-task.js';

export interface FitOptions {
  /** Default: detected from `y` (few distinct integers: classification). */
  task?: FitTask;
  /** Model families to try; default all of `'linear'` (logistic / ridge), `'knn'`, `'random-forest'`. */
  models?: readonly ModelName[];
  /** Cross-validation folds (stratified for classification, shuffled); default 5. */
  folds?: number;
  /** Default `'accuracy'` for classification, `'r2'` for regression. */
  metric?: Scoring;
  /** Stop trying further candidates once this much time has passed, milliseconds (the first always runs). */
  timeBudgetMs?: number;
  /** `'halving'`: successive-halving search over a small grid per family. Default `'none'`. */
  search?: 'none' | 'halving';
  /** Seed of the folds and the forests; default 0. */
  seed?: number;
  /** Register the winner under this model name (needs a registry). */
  register?: string;
  /** Columns of X to one-hot encode. */
  categoricalColumns?: readonly number[];
  /** Reuse an identical earlier fit from the cache; default true. */
  cache?: boolean;
  signal?: AbortSignal;
  /** Called as cross-validation folds finish. */
  onProgress?: (done: number, total: number) => void;
}

export interface LeaderboardRow {
  name: string;
  spec: EstimatorSpec;
  mean: number;
  std: number;
  scores: number[];
  /** Sum of the folds' fit times, milliseconds. */
  fitTimeMs: number;
}

export interface FitResult {
  /** The winner refitted on all data; `predict` applies the same preprocessing. */
  model: AnyModel & { predict(X: DenseMatrix): Float64Array };
  task: FitTask;
  metric: Scoring;
  /** The winner's fold scores. */
  cvScores: number[];
  /** Every candidate, best first. */
  leaderboard: LeaderboardRow[];
  timings: { totalMs: number; cvMs: number; refitMs: number; cached: boolean };
  registered?: { name: string; version: string };
}

export interface FitDependencies {
  executor: Executor;
  cache: Cache | undefined;
  registry: Registry | undefined;
  /** The module task that runs one `FoldTask` (predictor's `evaluateFold`) on a worker. */
  foldTask: ModuleTask;
}

interface CachedFit {
  model: EstimatorJSON;
  task: FitTask;
  metric: Scoring;
  cvScores: number[];
  leaderboard: LeaderboardRow[];
}

function toMatrix(X: DenseMatrix | readonly (readonly number[])[]): DenseMatrix {
  const matrix = Array.isArray(X)
    ? fromArray(X, { name: 'X' })
    : isDenseMatrix(X)
      ? X
      : assertDenseMatrix(X, 'X');
  if (matrix.rows === 0 || matrix.cols === 0) {
    throw new InvalidInputError(
      `X must have at least one row and one column, got ${matrix.rows}x${matrix.cols}`,
      {
        details: { argument: 'X', rows: matrix.rows, cols: matrix.cols },
      },
    );
  }
  return matrix;
}

function toTarget(y: ArrayLike<number>, rows: number): Float64Array {
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new InvalidInputError('y must be an array or typed array of numbers', {
      details: { argument: 'y' },
    });
  }
  if (y.length !== rows) {
    throw new ShapeError(`y has ${y.length} values but X has ${rows} rows`, {
      details: { y: y.length, X: rows },
    });
  }
  const target = Float64Array.from(y);
  for (let i = 0; i < target.length; i++) {
    if (!Number.isFinite(target[i])) {
      throw new InvalidInputError(`y[${i}] is ${y[i]}; targets must be finite numbers`, {
        details: { argument: 'y', index: i },
      });
    }
  }
  return target;
}

function checkOptions(options: FitOptions): void {
  if (options.task !== undefined && options.task !== 'classification' && options.task !== 'regression') {
    throw new InvalidInputError(
      `options.task must be 'classification' or 'regression', got ${String(options.task)}`,
      {
        details: { argument: 'options.task' },
      },
    );
  }
  for (const name of options.models ?? []) {
    if (!(MODEL_NAMES as readonly string[]).includes(name)) {
      throw new InvalidInputError(
        `options.models: unknown model ${JSON.stringify(name)} (known: ${MODEL_NAMES.join(', ')})`,
        {
          details: { argument: 'options.models', value: name },
        },
      );
    }
  }
  if (options.models !== undefined && options.models.length === 0) {
    throw new InvalidInputError('options.models must name at least one model', {
      details: { argument: 'options.models' },
    });
  }
  if (options.metric !== undefined && !(SCORINGS as readonly string[]).includes(options.metric)) {
    throw new InvalidInputError(
      `options.metric must be one of ${SCORINGS.join(', ')}, got ${String(options.metric)}`,
      {
        details: { argument: 'options.metric' },
      },
    );
  }
}

/** Deterministic subsample of row indices (Fisher–Yates on a seeded LCG), for halving rounds. */
function subsample(rows: number, size: number, seed: number): Uint32Array {
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  let state = (seed * 2654435761 + 1) >>> 0;
  for (let i = rows - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  return order.slice(0, size).sort();
}

function takeRows(X: DenseMatrix, y: Float64Array, rows: Uint32Array): { X: DenseMatrix; y: Float64Array } {
  const data = new Float64Array(rows.length * X.cols);
  const target = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    data.set(X.data.subarray(row * X.cols, (row + 1) * X.cols), i * X.cols);
    target[i] = y[row] as number;
  });
  return { X: { rows: rows.length, cols: X.cols, data }, y: target };
}

/**
 * Seed 001's one call: detects the task, builds the preprocessing, cross-validates
 * the candidates in parallel on the executor (each fold a plain-data task run by
 * predictor's `evaluateFold` on a worker), refits the best on all data, caches the
 * result by content and registers it when asked.
 */
export async function fit(
  dependencies: FitDependencies,
  XInput: DenseMatrix | readonly (readonly number[])[],
  yInput: ArrayLike<number>,
  options: FitOptions = {},
): Promise<FitResult> {
  const started = performance.now();
  checkOptions(options);
  const X = toMatrix(XInput);
  const y = toTarget(yInput, X.rows);
  const task = options.task ?? detectTask(y);
  if (task === 'classification' && new Set(y).size < 2) {
    throw new InvalidInputError('y has a single class; classification needs at least two', {
      details: { argument: 'y' },
    });
  }
  if (options.register !== undefined && dependencies.registry === undefined) {
    throw new InvalidInputError(
      'options.register needs a toolbox created with a registry ({ registry: { dir } })',
      {
        details: { argument: 'options.register' },
      },
    );
  }
  const seed = options.seed ?? 0;
  const folds = options.folds ?? 5;
  const metric = options.metric ?? (task === 'classification' ? 'accuracy' : 'r2');
  const models = options.models ?? MODEL_NAMES;
  const useCache = options.cache !== false && dependencies.cache !== undefined;
  const key = useCache
    ? `fit:${hashKey({
        X,
        y,
        task,
        folds,
        metric,
        models: [...models],
        seed,
        search: options.search ?? 'none',
        categoricalColumns: [...(options.categoricalColumns ?? [])],
      })}`
    : '';

  if (useCache) {
    const hit = (await dependencies.cache?.getEntry(key)) as { value: CachedFit } | undefined;
    if (hit !== undefined) {
      const result: FitResult = {
        ...hit.value,
        model: estimatorFromJSON(hit.value.model) as FitResult['model'],
        timings: { totalMs: performance.now() - started, cvMs: 0, refitMs: 0, cached: true },
      };
      return register(dependencies, result, X, y, options);
    }
  }

  let hasMissing = false;
  for (let i = 0; i < X.data.length && !hasMissing; i++) hasMissing = Number.isNaN(X.data[i]);
  const context = { task, hasMissing, categoricalColumns: options.categoricalColumns ?? [], seed };

  const cvStarted = performance.now();
  const evaluate = async (candidates: Candidate[], data: { X: DenseMatrix; y: Float64Array }) => {
    const tasks: FoldTask[] = candidates.flatMap((candidate) =>
      createFoldTasks(candidate.spec, data.X, data.y, { folds, scoring: metric, seed }),
    );
    const results = await dependencies.executor.map<FoldTask, FoldResult>(dependencies.foldTask, tasks, {
      taskType: 'evaluation',
      signal: options.signal,
      onProgress: options.onProgress,
    });
    return candidates.map((candidate, c): LeaderboardRow => {
      const own = results.slice(c * folds, (c + 1) * folds);
      const summary = summarizeFolds(own, metric);
      return {
        name: candidate.name,
        spec: candidate.spec,
        mean: summary.mean,
        std: summary.std,
        scores: summary.scores,
        fitTimeMs: summary.fitTimesMs.reduce((sum, ms) => sum + ms, 0),
      };
    });
  };

  const leaderboard: LeaderboardRow[] = [];
  if (options.search === 'halving') {
    for (const family of models) {
      let pool = searchGrid(family, task).map((params) => candidateFor(family, context, params));
      const rounds = Math.max(1, Math.ceil(Math.log(pool.length) / Math.log(3)));
      for (let round = 0; round < rounds && pool.length > 1; round++) {
        const size = Math.max(folds * 10, Math.round(X.rows / 3 ** (rounds - round)));
        const rows = size >= X.rows ? undefined : subsample(X.rows, size, seed + round);
        const scored = await evaluate(pool, rows === undefined ? { X, y } : takeRows(X, y, rows));
        scored.sort((a, b) => b.mean - a.mean);
        const keep = new Set(scored.slice(0, Math.max(1, Math.ceil(pool.length / 3))).map((row) => row.spec));
        pool = pool.filter((candidate) => keep.has(candidate.spec));
      }
      const [best] = await evaluate(pool.slice(0, 1), { X, y });
      leaderboard.push({ ...(best as LeaderboardRow), name: `${(best as LeaderboardRow).name} (searched)` });
    }
  } else if (options.timeBudgetMs !== undefined) {
    for (const family of models) {
      if (leaderboard.length > 0 && performance.now() - started > options.timeBudgetMs) break;
      leaderboard.push(...(await evaluate([candidateFor(family, context)], { X, y })));
    }
  } else {
    leaderboard.push(
      ...(await evaluate(
        models.map((family) => candidateFor(family, context)),
        { X, y },
      )),
    );
  }
  leaderboard.sort((a, b) => b.mean - a.mean);
  const cvMs = performance.now() - cvStarted;

  const winner = leaderboard[0] as LeaderboardRow;
  const refitStarted = performance.now();
  const model = createEstimator(winner.spec) as FitResult['model'];
  model.fit(X, y);
  const refitMs = performance.now() - refitStarted;

  const result: FitResult = {
    model,
    task,
    metric,
    cvScores: winner.scores,
    leaderboard,
    timings: { totalMs: performance.now() - started, cvMs, refitMs, cached: false },
  };
  if (useCache) {
    const entry: CachedFit = {
      model: model.toJSON() as EstimatorJSON,
      task,
      metric,
      cvScores: winner.scores,
      leaderboard,
    };
    await dependencies.cache?.set(key, entry);
  }
  return register(dependencies, result, X, y, options);
}

function register(
  dependencies: FitDependencies,
  result: FitResult,
  X: DenseMatrix,
  y: Float64Array,
  options: FitOptions,
): FitResult {
  if (options.register === undefined || dependencies.registry === undefined) return result;
  const winner = result.leaderboard[0] as LeaderboardRow;
  const version = dependencies.registry.createVersion(options.register, {
    artifact: result.model.toJSON(),
    metrics: { [result.metric]: winner.mean, [`${result.metric}_std`]: winner.std },
    params: { estimator: winner.name, folds: winner.scores.length, task: result.task },
    tags: { task: result.task, estimator: winner.name },
    source: 'toolbox.fit',
    datasetHash: hashKey({ X, y }),
  });
  return { ...result, registered: { name: options.register, version: version.version } };
}
