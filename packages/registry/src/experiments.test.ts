import { RegistryError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { useTempRegistries } from '../test/helpers.js';

const registries = useTempRegistries();

describe('experiments and runs', () => {
  it('tracks params, metrics over steps, tags, artifacts and status', () => {
    const registry = registries.open();
    expect(
      registry.createExperiment('churn', { description: 'weekly', tags: { team: 'growth' } }),
    ).toMatchObject({ name: 'churn', tags: { team: 'growth' } });
    expect(() => registry.createExperiment('churn')).toThrow(/already exists/);
    expect(() => registry.startRun('missing')).toThrow(/does not exist/);
    const run = registry.startRun('churn', {
      name: 'baseline',
      params: { lr: 0.1 },
      tags: { team: 'growth' },
    });
    expect(run).toMatchObject({
      experiment: 'churn',
      name: 'baseline',
      status: 'running',
      params: { lr: '0.1' },
    });
    registry.logParams(run.id, { depth: 4, optimizer: 'adam' });
    registry.logMetric(run.id, 'loss', 0.9, 0);
    registry.logMetric(run.id, 'loss', 0.5, 2);
    registry.logMetric(run.id, 'loss', 0.7, 1); // out of order: latest stays step 2
    registry.logMetrics(run.id, { accuracy: 0.91, f1: 0.88, precise: 0.1 + 0.2 }, 2);
    registry.setRunTag(run.id, 'note', 'first try');
    const artifact = registry.logArtifact(run.id, 'confusion.json', {
      matrix: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(artifact.sizeBytes).toBeGreaterThan(0);
    expect(JSON.parse(Buffer.from(registry.loadRunArtifact(run.id, 'confusion.json')).toString())).toEqual({
      matrix: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(registry.metricHistory(run.id, 'loss').map((point) => [point.step, point.value])).toEqual([
      [0, 0.9],
      [1, 0.7],
      [2, 0.5],
    ]);
    const ended = registry.endRun(run.id, 'finished');
    expect(ended).toMatchObject({
      status: 'finished',
      metrics: { loss: 0.5, accuracy: 0.91, f1: 0.88, precise: 0.1 + 0.2 },
      params: { lr: '0.1', depth: '4', optimizer: 'adam' },
      tags: { team: 'growth', note: 'first try' },
      artifacts: [{ name: 'confusion.json', sha256: artifact.sha256 }],
    });
    expect(ended.endTime).toBeGreaterThanOrEqual(ended.startTime);
    expect(() => registry.logMetric(run.id, 'loss', 0.1, 3)).toThrow(/has ended/);
    expect(() => registry.endRun(run.id)).toThrow(/has ended/);
    expect(() => registry.getRun('not-a-run')).toThrow(/32 hex characters/);
    expect(() => registry.getRun('0'.repeat(32))).toThrow(/does not exist/);
    expect(() => registry.logMetric(ended.id, 'x', Number.POSITIVE_INFINITY)).toThrow(RegistryError);
    expect(registry.listExperiments().map((experiment) => experiment.name)).toEqual(['churn']);
    expect(registry.getExperiment('churn').description).toBe('weekly');
  });

  it('searches runs with a filter, ordering and cursor paging', () => {
    const registry = registries.open();
    registry.createExperiment('a');
    registry.createExperiment('b');
    const ids: string[] = [];
    for (let index = 0; index < 12; index++) {
      const run = registry.startRun(index % 2 === 0 ? 'a' : 'b', {
        params: { optimizer: index % 3 === 0 ? 'adam' : 'sgd', lr: index / 100 },
        tags: { team: index < 6 ? 'x' : 'y' },
      });
      registry.logMetric(run.id, 'accuracy', 0.8 + index / 100);
      if (index % 4 === 0) registry.endRun(run.id, 'failed');
      ids.push(run.id);
    }
    const high = registry.searchRuns({
      filter: 'metrics.accuracy > 0.85 and tags.team = "y"',
      orderBy: 'metrics.accuracy DESC',
    });
    expect(high.items.map((run) => Math.round((run.metrics.accuracy as number) * 100))).toEqual([
      91, 90, 89, 88, 87, 86,
    ]);
    expect(
      registry
        .searchRuns({ filter: 'params.optimizer = "adam" and status = "failed"' })
        .items.map((run) => run.id),
    ).toEqual([ids[0]]);
    expect(registry.searchRuns({ filter: 'params.lr >= 0.1' }).items).toHaveLength(2);
    expect(registry.searchRuns({ experiments: ['a'], filter: 'not tags.team = "x"' }).items).toHaveLength(3);
    expect(
      registry.searchRuns({ filter: 'experiment = "b" or metrics.accuracy < 0.805' }).items,
    ).toHaveLength(7);

    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = registry.searchRuns({ orderBy: ['metrics.accuracy ASC'], page: { limit: 5, cursor } });
      seen.push(...page.items.map((run) => run.metrics.accuracy as number));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(seen).toHaveLength(12);

    expect(() => registry.searchRuns({ filter: 'tags.team = "x" OR 1=1' })).toThrow(
      /options.filter: expected a field/,
    );
    expect(() => registry.searchRuns({ filter: "tags.team = 'x'; DELETE FROM runs" })).toThrow(RegistryError);
    expect(registry.searchRuns().items).toHaveLength(12);
  });
});
