import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError, ShapeError } from '@toolbox/contracts';
import { accuracy } from '@toolbox/predictor';
import { loadDataset } from '@toolbox/predictor/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { createToolbox } from '../create-toolbox.js';
import { detectTask } from './detect-task.js';

// maxCpuPercent 100: the tests must not wait on the CI machine's other load.
const toolbox = createToolbox({
  autoStart: false,
  maxCpuPercent: 100,
  advisor: false,
  registry: { dir: mkdtempSync(join(tmpdir(), 'toolbox-fit-registry-')) },
});
afterAll(() => toolbox.dispose());

const iris = loadDataset('iris');

describe('detectTask', () => {
  it('reads few distinct integers as classes, anything else as regression', () => {
    expect(detectTask([0, 1, 2, 1, 0, 2, 1, 0])).toBe('classification');
    expect(detectTask([0.5, 1.2, 3.3, 1.2])).toBe('regression');
    expect(detectTask(Array.from({ length: 100 }, (_, i) => i))).toBe('regression');
    expect(() => detectTask([1, Number.NaN])).toThrow('y[1] is NaN');
  });
});

describe('toolbox.fit', () => {
  it('fits iris: classification, a leaderboard of three, a model that predicts raw rows', async () => {
    const result = await toolbox.fit(iris.X, iris.y);
    expect(result.task).toBe('classification');
    expect(result.metric).toBe('accuracy');
    expect(result.leaderboard.map((row) => row.name).sort()).toEqual([
      'KNNClassifier',
      'LogisticRegression',
      'RandomForestClassifier',
    ]);
    expect(result.leaderboard[0]!.mean).toBeGreaterThanOrEqual(result.leaderboard[2]!.mean);
    expect(result.cvScores).toHaveLength(5);
    expect(result.leaderboard[0]!.mean).toBeGreaterThan(0.93);
    // The pipeline scales inside predict: raw X in, labels out.
    expect(accuracy(iris.y, result.model.predict(iris.X))).toBeGreaterThan(0.95);
    expect(result.timings.cached).toBe(false);
  });

  it('answers an identical second fit from the cache', async () => {
    const first = await toolbox.fit(iris.X, iris.y, { models: ['linear', 'knn'] });
    const second = await toolbox.fit(iris.X, iris.y, { models: ['linear', 'knn'] });
    expect(second.timings.cached).toBe(true);
    expect(second.leaderboard).toEqual(first.leaderboard);
    expect(Array.from(second.model.predict(iris.X))).toEqual(Array.from(first.model.predict(iris.X)));
  });

  it('fits diabetes as regression with R²', async () => {
    const diabetes = loadDataset('diabetes');
    const result = await toolbox.fit(diabetes.X, diabetes.y, { models: ['linear', 'knn'] });
    expect(result.task).toBe('regression');
    expect(result.metric).toBe('r2');
    expect(result.leaderboard[0]!.name).toBe('Ridge');
    expect(result.leaderboard[0]!.mean).toBeGreaterThan(0.45);
  });

  it('imputes missing values inside the pipeline', async () => {
    const X = { ...iris.X, data: Float64Array.from(iris.X.data) };
    for (let i = 0; i < X.data.length; i += 7) X.data[i] = Number.NaN;
    const result = await toolbox.fit(X, iris.y, { models: ['linear'] });
    expect(JSON.stringify(result.leaderboard[0]!.spec)).toContain('SimpleImputer');
    expect(result.model.predict(X).every((label) => Number.isFinite(label))).toBe(true);
  });

  it('registers the winner with its metrics and lineage', async () => {
    const result = await toolbox.fit(iris.X, iris.y, { models: ['linear'], register: 'iris-classifier' });
    expect(result.registered).toEqual({ name: 'iris-classifier', version: '1.0.0' });
    const version = toolbox.registry!.getVersion('iris-classifier', '1.0.0');
    expect(version.metrics.accuracy).toBeCloseTo(result.leaderboard[0]!.mean, 12);
    expect(version.tags).toMatchObject({ task: 'classification', estimator: 'LogisticRegression' });
    expect(toolbox.registry!.lineage('iris-classifier', '1.0.0').datasetHash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('searches hyperparameters by successive halving', async () => {
    const result = await toolbox.fit(iris.X, iris.y, { models: ['knn'], search: 'halving' });
    expect(result.leaderboard).toHaveLength(1);
    expect(result.leaderboard[0]!.name).toBe('KNNClassifier (searched)');
    expect(result.leaderboard[0]!.mean).toBeGreaterThan(0.9);
  });

  it('stops trying candidates once the time budget is spent, keeping the first', async () => {
    const result = await toolbox.fit(iris.X, iris.y, { timeBudgetMs: 0, cache: false });
    expect(result.leaderboard).toHaveLength(1);
  });

  it('rejects bad input with typed errors naming the problem', async () => {
    await expect(toolbox.fit([], [])).rejects.toThrow(/X must have at least one row and one column/);
    await expect(toolbox.fit([[1, 2], [3]], [0, 1])).rejects.toBeInstanceOf(ShapeError);
    await expect(toolbox.fit(iris.X, iris.y.slice(1))).rejects.toThrow(/y has 149 values but X has 150 rows/);
    const withNaN = Float64Array.from(iris.y);
    withNaN[3] = Number.NaN;
    await expect(toolbox.fit(iris.X, withNaN)).rejects.toThrow('y[3] is NaN');
    await expect(
      toolbox.fit(iris.X, new Float64Array(150).fill(1), { task: 'classification' }),
    ).rejects.toThrow(/single class/);
    await expect(toolbox.fit(iris.X, iris.y, { models: ['svm' as never] })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    const noRegistry = createToolbox({ autoStart: false, maxCpuPercent: 100, advisor: false });
    await expect(noRegistry.fit(iris.X, iris.y, { register: 'x' })).rejects.toThrow(
      /needs a toolbox created with a registry/,
    );
    await noRegistry.dispose();
  });
});
