import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { blobs, matrix } from '../_test-data.js';
import { NotFittedError } from '../errors.js';
import { LabelEncoder } from './label-encoder.js';
import { MinMaxScaler } from './min-max-scaler.js';
import { OneHotEncoder } from './one-hot-encoder.js';
import { OrdinalEncoder } from './ordinal-encoder.js';
import { Pipeline } from './pipeline.js';
import { SimpleImputer } from './simple-imputer.js';
import { StandardScaler } from './standard-scaler.js';

describe('StandardScaler', () => {
  it('centres and scales by the population standard deviation', () => {
    const scaler = new StandardScaler().fit(
      matrix([
        [1, 5],
        [3, 5],
        [5, 5],
      ]),
    );
    expect(Array.from(scaler.mean)).toEqual([3, 5]);
    expect(scaler.scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 14);
    // A constant column is centred but not divided by zero.
    expect(scaler.scale[1]).toBe(1);
    const out = scaler.transform(matrix([[3, 6]]));
    expect(Array.from(out.data)).toEqual([0, 1]);
    const back = scaler.inverseTransform(scaler.transform(matrix([[1.5, 2]])));
    expect(back.data[0]).toBeCloseTo(1.5, 14);
    expect(back.data[1]).toBeCloseTo(2, 14);
  });

  it('can skip centring or scaling', () => {
    const X = matrix([[2], [4]]);
    expect(Array.from(new StandardScaler({ withMean: false }).fitTransform(X).data)).toEqual([2, 4]);
    expect(Array.from(new StandardScaler({ withStd: false }).fitTransform(X).data)).toEqual([-1, 1]);
  });
});

describe('MinMaxScaler', () => {
  it('maps the training range onto featureRange', () => {
    const scaler = new MinMaxScaler({ featureRange: [-1, 1] }).fit(
      matrix([
        [0, 7],
        [10, 7],
      ]),
    );
    expect(
      Array.from(
        scaler.transform(
          matrix([
            [5, 7],
            [20, 7],
          ]),
        ).data,
      ),
    ).toEqual([0, -1, 3, -1]);
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(
      'options.featureRange must be [low, high]',
    );
  });
});

describe('SimpleImputer', () => {
  const X = matrix([
    [1, Number.NaN, 3],
    [Number.NaN, 4, 3],
    [7, 6, Number.NaN],
    [1, 8, 9],
  ]);

  it.each([
    ['mean', [3, 6, 5]],
    ['median', [1, 6, 3]],
    ['mostFrequent', [1, 4, 3]],
    ['constant', [-1, -1, -1]],
  ] as const)('fills NaN with the column %s', (strategy, expected) => {
    const imputer = new SimpleImputer({ strategy, fillValue: -1 }).fit(X);
    expect(Array.from(imputer.statistics)).toEqual(expected);
    const out = imputer.transform(X);
    expect(out.data[1]).toBe(expected[1]);
    expect(out.data[3]).toBe(expected[0]);
    expect(out.data.some(Number.isNaN)).toBe(false);
  });

  it('cannot compute a statistic for an all-missing column', () => {
    expect(() => new SimpleImputer().fit(matrix([[Number.NaN], [Number.NaN]]))).toThrow(
      "X column 0 has no observed values, so strategy 'mean' cannot fill it",
    );
  });
});

describe('OneHotEncoder', () => {
  it('expands selected columns in place and passes the others through', () => {
    const encoder = new OneHotEncoder({ columns: [1] }).fit(
      matrix([
        [0.5, 2],
        [1.5, 0],
        [2.5, 2],
      ]),
    );
    expect(encoder.categories).toEqual([[0, 2]]);
    const out = encoder.transform(
      matrix([
        [9, 0],
        [8, 2],
      ]),
    );
    expect(out.cols).toBe(3);
    expect(Array.from(out.data)).toEqual([9, 1, 0, 8, 0, 1]);
  });

  it('rejects unknown categories by default, or encodes them as zeros when told to', () => {
    const train = matrix([[0], [1]]);
    expect(() => new OneHotEncoder().fit(train).transform(matrix([[3]]))).toThrow(
      'X[0][0] = 3 is a category OneHotEncoder did not see in fit (known: 0, 1)',
    );
    expect(() => new OneHotEncoder().fit(train).transform(matrix([[3]]))).toThrow(InvalidInputError);
    const lenient = new OneHotEncoder({ handleUnknown: 'ignore' }).fit(train);
    expect(Array.from(lenient.transform(matrix([[3]])).data)).toEqual([0, 0]);
  });

  it('checks the columns option against X', () => {
    expect(() => new OneHotEncoder({ columns: [5] }).fit(matrix([[1]]))).toThrow(
      'OneHotEncoder options.columns has 5, but X has 1 columns',
    );
  });
});

describe('OrdinalEncoder', () => {
  it('replaces categories with their sorted rank', () => {
    const encoder = new OrdinalEncoder().fit(
      matrix([
        [30, 1],
        [10, 1],
        [20, 2],
      ]),
    );
    expect(
      Array.from(
        encoder.transform(
          matrix([
            [20, 2],
            [30, 1],
          ]),
        ).data,
      ),
    ).toEqual([1, 1, 2, 0]);
    expect(() => encoder.transform(matrix([[40, 1]]))).toThrow(
      'X[0][0] = 40 is a category OrdinalEncoder did not see',
    );
    const lenient = new OrdinalEncoder({ handleUnknown: 'useEncodedValue', unknownValue: -9 }).fit(
      matrix([[1]]),
    );
    expect(Array.from(lenient.transform(matrix([[2]])).data)).toEqual([-9]);
  });
});

describe('LabelEncoder', () => {
  it('maps string labels to sorted codes and back', () => {
    const encoder = new LabelEncoder();
    expect(Array.from(encoder.fitTransform(['setosa', 'virginica', 'setosa', 'versicolor']))).toEqual([
      0, 2, 0, 1,
    ]);
    expect(encoder.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(encoder.inverseTransform([2, 0])).toEqual(['virginica', 'setosa']);
    expect(() => encoder.transform(['rose'])).toThrow('labels[0] = "rose" was not seen in fit');
    expect(() => new LabelEncoder().transform(['a'])).toThrow(NotFittedError);
    const restored = LabelEncoder.fromJSON(JSON.parse(JSON.stringify(encoder.toJSON())));
    expect(restored.classes).toEqual(encoder.classes);
  });
});

describe('Pipeline', () => {
  it('fits transforms in order and predicts through them', () => {
    const { X, y } = blobs();
    const pipeline = new Pipeline({
      steps: [{ estimator: 'StandardScaler' }, { estimator: 'LogisticRegression', params: { C: 0.5 } }],
    }).fit(X, y);
    expect(pipeline.kind).toBe('classifier');
    expect(Array.from(pipeline.classes)).toEqual([0, 1, 2]);
    expect(Array.from(pipeline.predict(X))).toEqual(Array.from(y));
    expect(pipeline.params.steps[1]).toEqual({
      estimator: 'LogisticRegression',
      params: expect.objectContaining({ C: 0.5 }),
    });
  });

  it('accepts instances and chains transformers only', () => {
    const pipeline = new Pipeline({ steps: [new SimpleImputer(), new MinMaxScaler()] });
    const out = pipeline.fit(matrix([[0], [Number.NaN], [4]]), [0, 0, 0]).transform(matrix([[2]]));
    expect(Array.from(out.data)).toEqual([0.5]);
  });

  it('rejects a model before the last step', () => {
    expect(() => new Pipeline({ steps: [{ estimator: 'Ridge' }, { estimator: 'StandardScaler' }] })).toThrow(
      'options.steps[0] (Ridge) must be a transformer: only the last step may be a model',
    );
    expect(() => new Pipeline({ steps: [] })).toThrow('options.steps must be a non-empty array');
  });
});
