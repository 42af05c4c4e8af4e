/**
 * 5-fold CV scores and times of LogisticRegression/Ridge, KNN (k = 5) and
 * RandomForest (100 trees) on the five shipped datasets, beside scikit-learn's on
 * the same folds when a Python with scikit-learn is found: `$TOOLBOX_PYTHON`, else
 * `/usr/bin/python3` (Debian: `apt-get install python3-sklearn`), else `python3`.
 * Times are best of 3 wall-clock runs of the whole 5-fold CV (fit + predict +
 * score), in milliseconds.
 *
 *   pnpm --filter @toolbox/predictor exec tsx bench/compare-sklearn.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DATASET_NAMES, type DatasetName, loadDataset } from '../src/datasets.js';
import { crossValidate, type EstimatorSpec } from '../src/index.js';

interface Cell {
  score: number;
  ms: number;
}

function specs(regression: boolean): EstimatorSpec[] {
  const scaled = (estimator: string, params = {}) => ({
    estimator: 'Pipeline',
    params: { steps: [{ estimator: 'StandardScaler' }, { estimator, params }] },
  });
  return [
    scaled(regression ? 'Ridge' : 'LogisticRegression'),
    scaled(regression ? 'KNNRegressor' : 'KNNClassifier', { k: 5 }),
    {
      estimator: regression ? 'RandomForestRegressor' : 'RandomForestClassifier',
      params: { nEstimators: 100 },
    },
  ];
}

function ourRow(name: DatasetName): Cell[] {
  const { X, y, task } = loadDataset(name);
  return specs(task === 'regression').map((spec) => {
    let best = Number.POSITIVE_INFINITY;
    let score = 0;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      score = crossValidate(spec, X, y, { folds: 5, seed: 0 }).mean;
      best = Math.min(best, performance.now() - started);
    }
    return { score, ms: best };
  });
}

const folder = fileURLToPath(new URL('../datasets', import.meta.url));
const script = fileURLToPath(new URL('sklearn_cv.py', import.meta.url));
// TOOLBOX_PYTHON first; then Debian's python3-sklearn under /usr/bin/python3, which a
// pyenv `python3` earlier on PATH would otherwise hide.
const interpreters = [process.env.TOOLBOX_PYTHON, '/usr/bin/python3', 'python3'].filter(
  (p): p is string => p !== undefined && p !== '',
);
const python = interpreters.find(
  (interpreter) => spawnSync(interpreter, ['-c', 'import sklearn']).status === 0,
);
if (python === undefined) process.stderr.write('scikit-learn not found: its side is skipped\n');

function sklearnRow(name: DatasetName): Cell[] | undefined {
  if (python === undefined) return undefined;
  const result = spawnSync(python, [script, folder, name], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scikit-learn run failed: ${result.stderr}`);
  return (JSON.parse(result.stdout.trim()) as { models: Cell[] }).models;
}

// Keep the better of `passes` interleaved runs per cell: the machine is shared, and
// interleaving dataset by dataset lets load hit both sides alike.
const passes = Number(process.env.PASSES ?? 2);
const ours = new Map<string, Cell[]>();
const theirs = new Map<string, Cell[]>();
const better = (a: Cell[] | undefined, b: Cell[] | undefined) =>
  a === undefined
    ? b
    : b === undefined
      ? a
      : a.map((cell, m) => ((b[m] as Cell).ms < cell.ms ? (b[m] as Cell) : cell));
for (const name of DATASET_NAMES) ourRow(name); // JIT warm-up, untimed
for (let pass = 0; pass < passes; pass++) {
  for (const name of DATASET_NAMES) {
    ours.set(name, better(ours.get(name), ourRow(name)) as Cell[]);
    const row = better(theirs.get(name), sklearnRow(name));
    if (row !== undefined) theirs.set(name, row);
  }
}

const cell = (c: Cell | undefined) =>
  c === undefined ? '–' : `${c.score.toFixed(3)} in ${c.ms.toFixed(0)} ms`;
process.stdout.write(
  '| dataset | model | @toolbox/predictor | scikit-learn | score gap (points) | speedup |\n|---|---|---|---|---|---|\n',
);
for (const name of DATASET_NAMES) {
  const labels =
    name === 'diabetes' ? ['ridge', 'kNN', 'random forest'] : ['logistic', 'kNN', 'random forest'];
  labels.forEach((label, m) => {
    const a = ours.get(name)?.[m];
    const b = theirs.get(name)?.[m];
    const gap = a && b ? (100 * (a.score - b.score)).toFixed(1) : '–';
    const speedup = a && b ? `${(b.ms / a.ms).toFixed(1)}x` : '–';
    process.stdout.write(`| ${name} | ${label} | ${cell(a)} | ${cell(b)} | ${gap} | ${speedup} |\n`);
  });
}
