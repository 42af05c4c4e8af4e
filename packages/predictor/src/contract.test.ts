import { InvalidInputError, ShapeError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { blobs, linear } from './_test-data.js';
import { NotFittedError } from './errors.js';
import type { AnyModel, Classifier, Estimator, EstimatorJSON, Transformer } from './estimator.js';
import { createEstimator, defaultEstimators, estimatorFromJSON } from './model-selection/registry.js';

// One spec per registered class: small enough to fit in milliseconds.
const SPECS: Record<string, Record<string, unknown>> = {
  StandardScaler: {},
  MinMaxScaler: {},
  SimpleImputer: { strategy: 'median' },
  OneHotEncoder: { handleUnknown: 'ignore' },
  OrdinalEncoder: { handleUnknown: 'useEncodedValue' },
  Pipeline: { steps: [{ estimator: 'StandardScaler' }, { estimator: 'KNNClassifier', params: { k: 3 } }] },
  KNNClassifier: { k: 3, weights: 'distance' },
  KNNRegressor: { k: 3 },
  LinearRegression: {},
  Ridge: { alpha: 0.5 },
  LogisticRegression: { C: 2 },
  DecisionTreeClassifier: { maxDepth: 4 },
  DecisionTreeRegressor: { minSamplesLeaf: 2 },
  RandomForestClassifier: { nEstimators: 7, seed: 3 },
  RandomForestRegressor: { nEstimators: 5, maxFeatures: 'sqrt', seed: 3 },
  MLPClassifier: { hiddenLayerSizes: [8], maxIter: 20, seed: 1 },
  MLPRegressor: { hiddenLayerSizes: [6, 4], activation: 'tanh', maxIter: 20, earlyStopping: true },
};

function dataFor(model: AnyModel) {
  if (model.kind === 'regressor') return linear();
  const data = blobs();
  // Encoders see category codes; other transformers and classifiers see real values.
  if (model.type === 'OneHotEncoder' || model.type === 'OrdinalEncoder') {
    return { X: { ...data.X, data: data.X.data.map((v) => Math.round(v)) }, y: data.y };
  }
  return data;
}

function output(model: AnyModel, X: Parameters<Estimator['predict']>[0]): Float64Array {
  return model.kind === 'transformer'
    ? (model as Transformer).transform(X).data
    : (model as Estimator).predict(X);
}

describe('every registered estimator', () => {
  const names = Object.keys(defaultEstimators());

  it('has a spec in this suite', () => {
    expect(names.sort()).toEqual(Object.keys(SPECS).sort());
  });

  for (const name of names) {
    describe(name, () => {
      const make = () => createEstimator({ estimator: name, params: SPECS[name] });

      it('round-trips through JSON exactly, fitted and unfitted', () => {
        const unfitted = make();
        const unfittedJson = JSON.parse(JSON.stringify(unfitted.toJSON())) as EstimatorJSON;
        expect(estimatorFromJSON(unfittedJson).toJSON()).toEqual(unfitted.toJSON());

        const model = make();
        const { X, y } = dataFor(model);
        model.fit(X, y);
        const json = JSON.parse(JSON.stringify(model.toJSON())) as EstimatorJSON;
        const restored = estimatorFromJSON(json);
        expect(restored.type).toBe(name);
        expect(restored.fitted).toBe(true);
        expect(restored.toJSON()).toEqual(json);
        expect(output(restored, X)).toEqual(output(model, X));
        if (model.kind === 'classifier') {
          expect((restored as Classifier).predictProba(X)).toEqual((model as Classifier).predictProba(X));
        }
      });

      it('is deterministic: two fits with the same params give the same model', () => {
        const a = make();
        const b = make();
        const { X, y } = dataFor(a);
        expect(JSON.stringify(a.fit(X, y).toJSON())).toBe(JSON.stringify(b.fit(X, y).toJSON()));
      });

      it('refuses to predict before fit with NotFittedError', () => {
        const model = make();
        const { X } = dataFor(model);
        expect(model.fitted).toBe(false);
        expect(() => output(model, X)).toThrow(NotFittedError);
        expect(() => output(model, X)).toThrow(/not fitted: call fit/);
      });

      it('rejects a column-count mismatch at predict time with ShapeError', () => {
        const model = make();
        const { X, y } = dataFor(model);
        model.fit(X, y);
        const narrow = { rows: X.rows, cols: 2, data: new Float64Array(X.rows * 2) };
        expect(() => output(model, narrow)).toThrow(ShapeError);
      });

      if (name !== 'SimpleImputer') {
        it('rejects NaN (no imputer) naming the cell', () => {
          const model = make();
          const { X, y } = dataFor(model);
          const holed = { ...X, data: X.data.slice() };
          holed.data[4] = Number.NaN;
          expect(() => model.fit(holed, y)).toThrow(InvalidInputError);
          expect(() => model.fit(holed, y)).toThrow('X[1][1] is NaN');
        });
      }

      if (name !== 'SimpleImputer' && !SPECS[name]?.handleUnknown && make().kind !== 'transformer') {
        it('rejects X and y of different lengths with ShapeError', () => {
          const model = make();
          const { X, y } = dataFor(model);
          expect(() => model.fit(X, y.subarray(1))).toThrow(ShapeError);
          expect(() => model.fit(X, y.subarray(1))).toThrow(
            `X has ${X.rows} rows but y has ${X.rows - 1} values`,
          );
        });
      }

      if (make().kind === 'classifier') {
        it('rejects a single class', () => {
          const model = make();
          const { X } = dataFor(model);
          expect(() => model.fit(X, new Float64Array(X.rows).fill(2))).toThrow(
            'y has a single class (2); a classifier needs at least 2 classes',
          );
        });
      }
    });
  }
});

describe('registry', () => {
  it('names the registered estimators when asked for an unknown one', () => {
    expect(() => createEstimator({ estimator: 'SVC' })).toThrow(
      /spec.estimator must name a registered estimator \(.*KNNClassifier.*\), got "SVC"/,
    );
    expect(() => estimatorFromJSON({ type: 'SVC', version: 1, params: {}, state: null })).toThrow(
      InvalidInputError,
    );
  });

  it('rejects unknown and invalid options by name', () => {
    expect(() => createEstimator({ estimator: 'RandomForestClassifier', params: { trees: 3 } })).toThrow(
      "RandomForestClassifier has no option 'trees'",
    );
    expect(() => createEstimator({ estimator: 'KNNClassifier', params: { k: 0 } })).toThrow(
      'options.k must be a positive integer, got 0',
    );
    expect(() => createEstimator({ estimator: 'LogisticRegression', params: { C: -1 } })).toThrow(
      'options.C',
    );
  });

  it('refuses JSON of another type', () => {
    const json = createEstimator({ estimator: 'Ridge' }).toJSON();
    expect(() => defaultEstimators().LinearRegression?.fromJSON(json)).toThrow(
      'json.type must be \'LinearRegression\', got "Ridge"',
    );
  });
});
