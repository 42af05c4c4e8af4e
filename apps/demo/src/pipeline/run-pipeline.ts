import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DenseMatrix, ExecutionPlan } from '@toolbox/contracts';
import { createToolbox, type FitResult, type Toolbox } from '@toolbox/core';
import { DynamicBatcher, type ModuleTask } from '@toolbox/executor';
import { columnMeans, columnStd, correlation } from '@toolbox/math';
import {
  type AnyModel,
  auc,
  type Classifier,
  confusionMatrix,
  createEstimator,
  estimatorFromJSON,
  MLPClassifier,
  RandomForestClassifier,
  rocCurve,
  StandardScaler,
  trainTestSplit,
} from '@toolbox/predictor';
import { type Dataset, type DatasetName, loadDataset } from '@toolbox/predictor/datasets';
import type { DashboardData } from '../dashboard/dashboard-data.js';
import { generateSensorRows } from './generate-data.js';
import { formatTable, type Reporter } from './progress.js';

export interface PipelineOptions {
  /** Rows of the generated table for the feature-engineering map. */
  rows: number;
  /** Datasets to fit. */
  datasets: readonly DatasetName[];
  /** Where the registry, the advisor's history and the disk cache live. */
  stateDir: string;
  reporter: Reporter;
  /** Called whenever the dashboard has new data (live mode). */
  onUpdate?: (data: DashboardData) => void;
}

export interface DemoSummary {
  machine: DashboardData['machine'];
  featureMap: {
    items: number;
    serialMs: number;
    planningMs: number;
    plannedMs: number;
    measuredSpeedup: number;
    plan: Pick<
      ExecutionPlan,
      'mode' | 'workers' | 'chunkSize' | 'source' | 'reason' | 'estimatedSpeedup' | 'confidence'
    >;
    replan: { source: string; planningMs: number; reason: string; sameDecision: boolean };
  };
  memoised: { coldMs: number; warmMs: number; speedup: number };
  leaderboards: {
    dataset: string;
    metric: string;
    best: string;
    score: number;
    fitMs: number;
    cached: boolean;
  }[];
  registry: {
    model: string;
    production: string;
    challenger: string;
    requests: number;
    batches: number;
    byVariant: Record<string, { requests: number; accuracy: number }>;
  };
  stats: {
    optimization: ReturnType<Toolbox['getOptimizationStats']> extends infer S ? Omit<S, 'operations'> : never;
    cache: unknown;
    advisor: unknown;
    executor: unknown;
  };
  totalMs: number;
}

const MODEL_NAME = 'breast-cancer-classifier';
const featureTask: ModuleTask = {
  module: fileURLToPath(new URL('../tasks/feature-engineering.mjs', import.meta.url)),
  export: 'engineerRow',
};

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

function toMatrix(rows: number[][]): DenseMatrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    data.set(row, i * cols);
  });
  return { rows: rows.length, cols, data };
}

/** Standardises every column and takes their correlation: the memoised preprocessing step. */
function standardize(X: DenseMatrix): { scaled: DenseMatrix; correlation: DenseMatrix } {
  const means = columnMeans(X);
  const stds = columnStd(X);
  const data = new Float64Array(X.data.length);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      const k = i * X.cols + j;
      data[k] = ((X.data[k] as number) - (means[j] as number)) / ((stds[j] as number) || 1);
    }
  }
  return { scaled: { rows: X.rows, cols: X.cols, data }, correlation: correlation(X) };
}

/** The whole demo: each step prints what it did; the dashboard data and a summary come back. */
export async function runPipeline(
  options: PipelineOptions,
): Promise<{ summary: DemoSummary; dashboard: DashboardData }> {
  const { reporter } = options;
  const started = performance.now();
  const toolbox = createToolbox({
    cache: { maxBytes: 512 * 1024 ** 2, dir: join(options.stateDir, 'cache') },
    advisor: { dir: join(options.stateDir, 'advisor') },
    registry: { dir: join(options.stateDir, 'registry') },
    monitor: { intervalMs: 250, historySize: 2400 },
  });
  try {
    // 1. The machine.
    reporter.step('1. Machine');
    const status = toolbox.getSystemStatus();
    const snapshot = toolbox.monitor.latest();
    const machine: DashboardData['machine'] = {
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      usableCores: status.usableCores,
      memoryLimitBytes: snapshot.memoryLimitBytes,
      limits: {
        maxCpuPercent: status.limits.maxCpuPercent,
        maxMemoryPercent: status.limits.maxMemoryPercent,
        maxConcurrentHeavy: status.limits.maxHeavyOperations,
      },
    };
    reporter.line(
      `${machine.cpuModel}, ${machine.usableCores} usable cores, memory limit ${(machine.memoryLimitBytes / 1024 ** 3).toFixed(1)} GiB`,
    );
    reporter.line(
      `governor: CPU ≤ ${machine.limits.maxCpuPercent}%, memory ≤ ${machine.limits.maxMemoryPercent}%, ≤ ${machine.limits.maxConcurrentHeavy} heavy operations`,
    );
    const dashboard: DashboardData = {
      generatedAt: new Date().toISOString(),
      machine,
      leaderboards: [],
      lossCurves: [],
      resources: [],
      cache: [],
      registry: { model: MODEL_NAME, versions: [] },
    };
    const publish = () => {
      dashboard.generatedAt = new Date().toISOString();
      dashboard.resources = toolbox.monitor.history().map((sample) => ({
        elapsedMs: sample.timeMs - (toolbox.monitor.history()[0]?.timeMs ?? sample.timeMs),
        cpuPercent: Number.isFinite(sample.cpuPercent) ? sample.cpuPercent : 0,
        memoryPercent: sample.memoryPercent,
      }));
      options.onUpdate?.(dashboard);
    };
    publish();

    // 2. A planned CPU-heavy map, against serial.
    reporter.step(`2. Feature engineering: ${options.rows} rows x 20 -> 40 features (executor)`);
    const { rows, labels } = generateSensorRows(options.rows, 20);
    const onProgress = (done: number, total: number) => reporter.progress(done, total);
    const serial = await timed(() =>
      toolbox.map(featureTask, rows, { plan: { mode: 'serial' }, onProgress }),
    );
    reporter.endProgress();
    const planning = await timed(() =>
      toolbox.executor.plan(featureTask, rows, { taskType: 'feature-engineering' }),
    );
    const planned = await timed(() =>
      toolbox.map(featureTask, rows, { plan: planning.value, taskType: 'feature-engineering', onProgress }),
    );
    reporter.endProgress();
    const plan = planning.value;
    const measuredSpeedup = serial.ms / (planning.ms + planned.ms);
    reporter.line(
      `plan: ${plan.mode}, ${plan.workers} worker(s), chunks of ${plan.chunkSize} (source: ${plan.source})`,
    );
    reporter.line(`reason: ${plan.reason}`);
    reporter.line(
      `serial ${ms(serial.ms)}; planned ${ms(planning.ms)} planning + ${ms(planned.ms)} = ${measuredSpeedup.toFixed(2)}x serial (estimated ${plan.estimatedSpeedup.toFixed(2)}x)`,
    );
    const replanning = await timed(() =>
      toolbox.executor.plan(featureTask, rows, { taskType: 'feature-engineering' }),
    );
    const again = replanning.value;
    reporter.line(
      `again: plan from ${again.source} in ${ms(replanning.ms)} (${again.mode}, ${again.workers} worker(s), chunks of ${again.chunkSize})`,
    );
    const gridRows = rows.slice(0, Math.min(rows.length, 10_000));
    const grid: { label: string; ms: number }[] = [];
    for (const [workers, chunkSize] of [
      [1, 250],
      [2, 50],
      [2, 250],
      [2, 2500],
    ] as const) {
      const point = await timed(() =>
        toolbox.map(featureTask, gridRows, {
          plan: { mode: 'threads', workers, chunkSize, maxInFlight: workers * 2 },
        }),
      );
      grid.push({
        label: `${workers} worker(s) x ${chunkSize}`,
        ms: (point.ms * rows.length) / gridRows.length,
      });
    }
    dashboard.plan = {
      workload: `${rows.length} rows x 20 values, ~${((serial.ms * 1000) / rows.length).toFixed(0)} µs per row (grid on ${gridRows.length} rows, scaled)`,
      reason: plan.reason,
      serialMs: serial.ms,
      chosen: { label: `${plan.mode}, ${plan.workers} x ${plan.chunkSize}`, ms: planning.ms + planned.ms },
      grid,
    };
    publish();

    // 3. Memoised preprocessing, cold then warm.
    reporter.step('3. Memoised preprocessing (standardise + correlation), cold vs warm');
    const engineered = toMatrix(planned.value as number[][]);
    const cold = await toolbox.optimizeOperation('standardize', standardize, {
      args: [engineered],
      cache: true,
      taskType: 'data-preprocessing',
    });
    const warm = await toolbox.optimizeOperation('standardize', standardize, {
      args: [engineered],
      cache: true,
      taskType: 'data-preprocessing',
    });
    reporter.line(
      `cold ${ms(cold.report.durationMs)} (${cold.report.cached ? 'cached from an earlier run' : 'computed'}), warm ${ms(warm.report.durationMs)} (cached: ${warm.report.cached})`,
    );
    void labels;

    // 4. fit on the five datasets.
    reporter.step('4. fit: task detection, preprocessing, 5-fold CV of three model families in parallel');
    const datasets = new Map<string, Dataset>(options.datasets.map((name) => [name, loadDataset(name)]));
    const fits = new Map<string, FitResult>();
    const leaderboardRows: DemoSummary['leaderboards'] = [];
    for (const [name, data] of datasets) {
      const result = await toolbox.fit(data.X, data.y, { onProgress });
      reporter.endProgress();
      fits.set(name, result);
      const best = result.leaderboard[0]!;
      leaderboardRows.push({
        dataset: name,
        metric: result.metric,
        best: best.name,
        score: best.mean,
        fitMs: result.timings.totalMs,
        cached: result.timings.cached,
      });
      dashboard.leaderboards.push({
        dataset: name,
        metric: result.metric,
        rows: result.leaderboard.map((row) => ({
          model: row.name,
          meanScore: row.mean,
          stdScore: row.std,
          timeMs: row.fitTimeMs,
        })),
      });
      publish();
    }
    reporter.line(
      formatTable(
        ['dataset', 'metric', 'best model', 'CV score', 'time'],
        leaderboardRows.map((row) => [
          row.dataset,
          row.metric,
          row.best,
          row.score.toFixed(3),
          `${ms(row.fitMs)}${row.cached ? ' (cache)' : ''}`,
        ]),
      ).replaceAll('\n', '\n  '),
    );

    // Evaluation details for the dashboard: a held-out split, the forest's importances, an MLP's loss.
    const dataset = (name: DatasetName) => datasets.get(name) ?? loadDataset(name);
    const cancer = dataset('breast_cancer');
    const cancerFit = fits.get('breast_cancer') ?? (await toolbox.fit(cancer.X, cancer.y));
    const split = trainTestSplit(cancer.X, cancer.y, { testSize: 0.3, stratify: true, seed: 0 });
    const heldOut = createEstimator(cancerFit.leaderboard[0]!.spec) as AnyModel & Classifier;
    heldOut.fit(split.XTrain, split.yTrain);
    const predicted = heldOut.predict(split.XTest);
    const confusion = confusionMatrix(split.yTest, predicted);
    dashboard.confusion = {
      dataset: 'breast_cancer (30 % held out)',
      labels: confusion.labels.map((label) => (label === 1 ? 'benign' : 'malignant')),
      matrix: confusion.matrix,
    };
    const probabilities = heldOut.predictProba(split.XTest);
    dashboard.roc = {
      dataset: 'breast_cancer (30 % held out)',
      curves: [0, 1].map((positive) => {
        const scores = Array.from(
          { length: probabilities.rows },
          (_, i) => probabilities.data[i * 2 + positive] as number,
        );
        const curve = rocCurve(split.yTest, scores, positive);
        return {
          label: positive === 1 ? 'benign' : 'malignant',
          fpr: curve.fpr,
          tpr: curve.tpr,
          auc: auc(curve.fpr, curve.tpr),
        };
      }),
    };
    const wine = dataset('wine');
    const forest = new RandomForestClassifier({ nEstimators: 100, seed: 0 }).fit(wine.X, wine.y);
    dashboard.featureImportance = {
      dataset: 'wine',
      features: wine.featureNames.map((name, j) => ({
        name,
        importance: forest.featureImportances[j] as number,
      })),
    };
    const digits = dataset('digits');
    const scaledDigits = new StandardScaler().fit(digits.X).transform(digits.X);
    const mlp = new MLPClassifier({ hiddenLayerSizes: [64], maxIter: 40, seed: 0 }).fit(
      scaledDigits,
      digits.y,
    );
    dashboard.lossCurves = [{ name: 'MLP 64 units, digits', losses: mlp.history.lossCurve }];
    publish();

    // 5. Registry: register, promote, challenger, A/B-routed batched inference.
    reporter.step('5. Registry: register, promote, challenger; A/B-routed batched inference');
    const registry = toolbox.registry!;
    const champion = await toolbox.fit(cancer.X, cancer.y, { register: MODEL_NAME });
    registry.transition(MODEL_NAME, champion.registered!.version, 'staging', {
      reason: 'cross-validated by the demo',
    });
    registry.promote(MODEL_NAME, champion.registered!.version, { reason: 'best CV score' });
    registry.setAlias(MODEL_NAME, 'champion', champion.registered!.version);
    const challengerFit = await toolbox.fit(cancer.X, cancer.y, { models: ['knn'], register: MODEL_NAME });
    registry.transition(MODEL_NAME, challengerFit.registered!.version, 'staging');
    registry.setAlias(MODEL_NAME, 'challenger', challengerFit.registered!.version);
    reporter.line(
      `production/champion: ${champion.registered!.version} (${champion.leaderboard[0]!.name}); challenger: ${challengerFit.registered!.version} (${challengerFit.leaderboard[0]!.name})`,
    );
    const models = new Map<string, AnyModel & { predict(X: DenseMatrix): Float64Array }>();
    const batchers = new Map<string, DynamicBatcher<number[], number>>();
    const batcherFor = (version: string) => {
      let batcher = batchers.get(version);
      if (batcher === undefined) {
        const model =
          models.get(version) ??
          (estimatorFromJSON(registry.loadJson(MODEL_NAME, version) as never) as AnyModel & {
            predict(X: DenseMatrix): Float64Array;
          });
        models.set(version, model);
        batcher = new DynamicBatcher<number[], number>({
          process: (batch) => Array.from(model.predict(toMatrix(batch))),
          maxBatchSize: 64,
          maxWaitMs: 5,
        });
        batchers.set(version, batcher);
      }
      return batcher;
    };
    const requests = 2000;
    const byVariant: Record<string, { requests: number; correct: number }> = {};
    await Promise.all(
      Array.from({ length: requests }, async (_, i) => {
        const row = i % split.XTest.rows;
        const route = registry.route(MODEL_NAME, `user-${i}`, {
          aliases: { champion: 0.9, challenger: 0.1 },
        });
        const features = Array.from(
          split.XTest.data.subarray(row * split.XTest.cols, (row + 1) * split.XTest.cols),
        );
        const prediction = await batcherFor(route.version).submit(features);
        const correct = prediction === split.yTest[row] ? 1 : 0;
        registry.recordOutcome(MODEL_NAME, route.variant, correct, { metric: 'correct' });
        const variant = byVariant[route.variant] ?? { requests: 0, correct: 0 };
        byVariant[route.variant] = variant;
        variant.requests++;
        variant.correct += correct;
      }),
    );
    const batches = [...batchers.values()].reduce((sum, batcher) => sum + batcher.stats().batches, 0);
    for (const [variant, counts] of Object.entries(byVariant)) {
      reporter.line(
        `${variant}: ${counts.requests} requests, accuracy ${(counts.correct / counts.requests).toFixed(3)}`,
      );
    }
    reporter.line(`${requests} requests answered in ${batches} batches`);
    dashboard.registry.versions = registry.listVersions(MODEL_NAME).map((version) => ({
      version: version.version,
      stage: version.stage,
      aliases: version.aliases,
      score: version.metrics.accuracy,
    }));

    // 6. Statistics.
    reporter.step('6. Statistics');
    const { operations: _operations, ...optimization } = toolbox.getOptimizationStats();
    const cacheStats = toolbox.cache!.stats();
    const advisorStats = toolbox.advisor!.stats();
    const executorStats = toolbox.executor.stats();
    reporter.line(
      `operations: ${optimization.tasksOptimized} optimised, ${optimization.tasksThrottled} throttled, cache hit rate ${(optimization.cacheHitRate * 100).toFixed(0)} %`,
    );
    reporter.line(
      `cache: memory ${cacheStats.memory.hits} hits / ${cacheStats.memory.misses} misses` +
        (cacheStats.disk ? `, disk ${cacheStats.disk.hits} hits / ${cacheStats.disk.misses} misses` : ''),
    );
    reporter.line(
      `advisor: ${advisorStats.runs} runs remembered, ${advisorStats.suggestions} suggestions, hit rate ${(advisorStats.hitRate * 100).toFixed(0)} %`,
    );
    reporter.line(
      `executor: ${executorStats.jobs} jobs, ${executorStats.chunks} chunks, pool start ${ms(executorStats.poolStartMs ?? 0)}`,
    );
    dashboard.cache = [
      { tier: 'memory', hits: cacheStats.memory.hits, misses: cacheStats.memory.misses },
      ...(cacheStats.disk
        ? [{ tier: 'disk', hits: cacheStats.disk.hits, misses: cacheStats.disk.misses }]
        : []),
      { tier: 'operations', hits: optimization.cacheHits, misses: optimization.cacheMisses },
    ];
    publish();

    const summary: DemoSummary = {
      machine,
      featureMap: {
        items: rows.length,
        serialMs: serial.ms,
        planningMs: planning.ms,
        plannedMs: planned.ms,
        measuredSpeedup,
        plan: {
          mode: plan.mode,
          workers: plan.workers,
          chunkSize: plan.chunkSize,
          source: plan.source,
          reason: plan.reason,
          estimatedSpeedup: plan.estimatedSpeedup,
          confidence: plan.confidence,
        },
        replan: {
          source: again.source,
          planningMs: replanning.ms,
          reason: again.reason,
          sameDecision: again.mode === plan.mode && again.workers === plan.workers,
        },
      },
      memoised: {
        coldMs: cold.report.durationMs,
        warmMs: warm.report.durationMs,
        speedup: cold.report.durationMs / warm.report.durationMs,
      },
      leaderboards: leaderboardRows,
      registry: {
        model: MODEL_NAME,
        production: champion.registered!.version,
        challenger: challengerFit.registered!.version,
        requests,
        batches,
        byVariant: Object.fromEntries(
          Object.entries(byVariant).map(([variant, counts]) => [
            variant,
            { requests: counts.requests, accuracy: counts.correct / counts.requests },
          ]),
        ),
      },
      stats: { optimization, cache: cacheStats, advisor: advisorStats, executor: executorStats },
      totalMs: performance.now() - started,
    };
    return { summary, dashboard };
  } finally {
    await toolbox.dispose();
  }
}
