import { InvalidInputError } from '@toolbox/contracts';
import type { AnyModel, EstimatorJSON, EstimatorSpec } from '../estimator.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../estimators/decision-tree.js';
import { KNNClassifier, KNNRegressor } from '../estimators/knn.js';
import { LinearRegression } from '../estimators/linear-regression.js';
import { LogisticRegression } from '../estimators/logistic-regression.js';
import { MLPClassifier, MLPRegressor } from '../estimators/mlp.js';
import { RandomForestClassifier, RandomForestRegressor } from '../estimators/random-forest.js';
import { Ridge } from '../estimators/ridge.js';
import { MinMaxScaler } from '../preprocessing/min-max-scaler.js';
import { OneHotEncoder } from '../preprocessing/one-hot-encoder.js';
import { OrdinalEncoder } from '../preprocessing/ordinal-encoder.js';
import { Pipeline } from '../preprocessing/pipeline.js';
import { SimpleImputer } from '../preprocessing/simple-imputer.js';
import { StandardScaler } from '../preprocessing/standard-scaler.js';

/** A class the registry can build from a spec and restore from JSON. */
export interface EstimatorClass {
  new (options?: never): AnyModel;
  fromJSON(json: EstimatorJSON): AnyModel;
}

/** Class name -> class. Pass your own (spread over `defaultEstimators()`) to add models. */
export type EstimatorRegistry = Readonly<Record<string, EstimatorClass>>;

/**
 * Every estimator and transformer of this package by class name. A function, not
 * a module constant, so the registry and `Pipeline` (which resolves its steps
 * through it) can import each other.
 */
export function defaultEstimators(): EstimatorRegistry {
  return {
    StandardScaler,
    MinMaxScaler,
    SimpleImputer,
    OneHotEncoder,
    OrdinalEncoder,
    Pipeline,
    KNNClassifier,
    KNNRegressor,
    LinearRegression,
    Ridge,
    LogisticRegression,
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
    MLPClassifier,
    MLPRegressor,
  } as unknown as EstimatorRegistry;
}

function lookup(name: unknown, registry: EstimatorRegistry, argument: string): EstimatorClass {
  const found = typeof name === 'string' && Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (found === undefined) {
    throw new InvalidInputError(
      `${argument} must name a registered estimator (${Object.keys(registry).join(', ')}), got ${JSON.stringify(name)}`,
      { details: { argument, value: name } },
    );
  }
  return found;
}

/** Builds an unfitted estimator from `{ estimator, params }`. */
export function createEstimator(
  spec: EstimatorSpec,
  registry: EstimatorRegistry = defaultEstimators(),
): AnyModel {
  if (typeof spec !== 'object' || spec === null) {
    throw new InvalidInputError('spec must be an object { estimator, params }', {
      details: { argument: 'spec' },
    });
  }
  const Class = lookup(spec.estimator, registry, 'spec.estimator');
  return new Class((spec.params ?? {}) as never);
}

/** Restores any registered estimator from its `toJSON()` output. */
export function estimatorFromJSON(
  json: EstimatorJSON,
  registry: EstimatorRegistry = defaultEstimators(),
): AnyModel {
  if (typeof json !== 'object' || json === null) {
    throw new InvalidInputError('json must be an object from toJSON()', { details: { argument: 'json' } });
  }
  return lookup(json.type, registry, 'json.type').fromJSON(json);
}

/** The spec that rebuilds `model` unfitted. */
export function specOf(model: AnyModel): EstimatorSpec {
  return { estimator: model.type, params: { ...(model.params as Record<string, unknown>) } };
}
