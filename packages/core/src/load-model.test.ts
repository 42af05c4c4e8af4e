import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError, RegistryError } from '@toolbox/contracts';
import { loadDataset } from '@toolbox/predictor/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { createToolbox } from './create-toolbox.js';

const toolbox = createToolbox({
  autoStart: false,
  maxCpuPercent: 100,
  advisor: false,
  registry: { dir: mkdtempSync(join(tmpdir(), 'toolbox-load-model-')) },
});
afterAll(() => toolbox.dispose());
const iris = loadDataset('iris');

describe('toolbox.loadModel', () => {
  it('restores a registered fit by version, alias and stage, predicting as the fitted model does', async () => {
    const fitted = await toolbox.fit(iris.X, iris.y, { models: ['knn'], register: 'flowers', cache: false });
    const registry = toolbox.registry!;
    registry.setAlias('flowers', 'champion', '1.0.0');
    expect(() => toolbox.loadModel('flowers')).toThrow(/has no version "production"/);
    registry.transition('flowers', '1.0.0', 'staging');
    registry.promote('flowers', '1.0.0');
    for (const reference of [undefined, '1.0.0', 'champion', 'latest']) {
      const loaded = toolbox.loadModel('flowers', reference);
      expect(loaded.version.version).toBe('1.0.0');
      expect(loaded.model.predict(iris.X)).toEqual(fitted.model.predict(iris.X));
      expect(loaded.model.predictProba?.(iris.X).rows).toBe(150);
    }
  });

  it('refuses what it cannot restore with typed errors', () => {
    const registry = toolbox.registry!;
    registry.createVersion('notes', { artifact: { hello: 'world' } });
    expect(() => toolbox.loadModel('notes', 'latest')).toThrow(RegistryError);
    expect(() => toolbox.loadModel('notes', 'latest')).toThrow(
      /notes@1.0.0 is not a model this toolbox can restore/,
    );
    expect(() => toolbox.loadModel('missing')).toThrow(/model "missing" does not exist/);
    const bare = createToolbox({ autoStart: false, advisor: false, cache: false });
    expect(() => bare.loadModel('flowers')).toThrow(InvalidInputError);
    return bare.dispose();
  });
});
