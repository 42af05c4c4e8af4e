import { type DenseMatrix, InvalidInputError, RegistryError } from '@toolbox/contracts';
import { type AnyModel, type Estimator, type EstimatorJSON, estimatorFromJSON } from '@toolbox/predictor';
import type { Registry, VersionInfo } from '@toolbox/registry';

/** A model restored from the registry, ready to predict. */
export interface LoadedModel {
  /** The version that was loaded (`reference` resolved). */
  version: VersionInfo;
  /** The estimator or pipeline; `predictProba` exists on classifiers. */
  model: Estimator & { predictProba?: (X: DenseMatrix) => DenseMatrix; classes?: Float64Array };
}

/**
 * Resolves `reference` (a version, alias, stage or `latest`; default `production`) of
 * model `name` and restores its artifact, which must be the JSON of a fitted estimator
 * (what `fit({ register })` stores).
 */
export function loadModel(
  registry: Registry | undefined,
  name: string,
  reference = 'production',
): LoadedModel {
  if (registry === undefined) {
    throw new InvalidInputError('loadModel needs a registry: createToolbox({ registry: { dir } })', {
      details: { argument: 'options.registry' },
    });
  }
  const version = registry.resolve(name, reference);
  const json = registry.loadJson(name, version.version) as EstimatorJSON;
  let model: AnyModel;
  try {
    model = estimatorFromJSON(json);
  } catch (error) {
    throw new RegistryError(
      `${name}@${version.version} is not a model this toolbox can restore: ${(error as Error).message}`,
      { cause: error, details: { model: name, version: version.version } },
    );
  }
  if (model.kind === 'transformer' || !model.fitted) {
    throw new RegistryError(
      `${name}@${version.version} holds ${model.fitted ? 'a transformer' : 'an unfitted model'}, not a fitted model`,
      {
        details: { model: name, version: version.version },
      },
    );
  }
  return { version, model: model as LoadedModel['model'] };
}
