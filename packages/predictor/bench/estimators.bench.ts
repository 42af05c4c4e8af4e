import { defineSuite } from '@toolbox/config/bench';
import { type DenseMatrix, toArray } from '@toolbox/contracts';
import { DecisionTreeClassifier as MlDecisionTree } from 'ml-cart';
import KNN from 'ml-knn';
import MlLogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { RandomForestClassifier as MlRandomForest } from 'ml-random-forest';
import { createRandom } from '../src/_random.js';
import { loadDataset } from '../src/datasets.js';
import {
  DecisionTreeClassifier,
  KNNClassifier,
  LogisticRegression,
  RandomForestClassifier,
  StandardScaler,
} from '../src/index.js';

interface Split {
  name: string;
  XTrain: DenseMatrix;
  yTrain: Float64Array;
  XTest: DenseMatrix;
  /** The same rows as number[][] / number[] for the mljs baselines. */
  trainRows: number[][];
  trainLabels: number[];
  testRows: number[][];
}

function split(name: string, X: DenseMatrix, y: Float64Array, testRows: number): Split {
  const scaled = new StandardScaler().fitTransform(X);
  const trainCount = X.rows - testRows;
  const XTrain = { rows: trainCount, cols: X.cols, data: scaled.data.slice(0, trainCount * X.cols) };
  const XTest = { rows: testRows, cols: X.cols, data: scaled.data.slice(trainCount * X.cols) };
  const yTrain = y.slice(0, trainCount);
  return {
    name,
    XTrain,
    yTrain,
    XTest,
    trainRows: toArray(XTrain),
    trainLabels: Array.from(yTrain),
    testRows: toArray(XTest),
  };
}

/** Gaussian classes around random centres (a make_classification-like set), shuffled. */
function generated(
  rows: number,
  cols: number,
  classes: number,
  seed: number,
): { X: DenseMatrix; y: Float64Array } {
  const random = createRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const centres = Array.from({ length: classes * cols }, () => gaussian() * 1.5);
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = random.int(classes);
    y[i] = c;
    for (let j = 0; j < cols; j++) data[i * cols + j] = (centres[c * cols + j] as number) + gaussian();
  }
  return { X: { rows, cols, data }, y };
}

function cases(quick: boolean) {
  const digits = loadDataset('digits');
  const digitsRows = quick ? 600 : digits.X.rows;
  const digitsSplit = split(
    `digits ${digitsRows}x64`,
    { rows: digitsRows, cols: 64, data: digits.X.data.slice(0, digitsRows * 64) },
    digits.y.slice(0, digitsRows),
    Math.round(digitsRows * 0.2),
  );
  // ml-cart takes about 21 s for one tree on the full digits set; compare on a slice.
  const treeRows = quick ? 300 : 500;
  const treeSplit = split(
    `digits ${treeRows}x64`,
    { rows: treeRows, cols: 64, data: digits.X.data.slice(0, treeRows * 64) },
    digits.y.slice(0, treeRows),
    treeRows / 5,
  );
  const bigRows = quick ? 2000 : 20000;
  const big = generated(bigRows, 20, 4, 7);
  const bigSplit = split(`generated ${bigRows}x20`, big.X, big.y, bigRows / 5);
  // ml-random-forest grows roughly quadratically with rows (about 12 s per tree on
  // 16000x20), so its large-set case uses the first 4000 rows.
  const mediumRows = quick ? 1000 : 4000;
  const mediumSplit = split(
    `generated ${mediumRows}x20`,
    { rows: mediumRows, cols: 20, data: big.X.data.slice(0, mediumRows * 20) },
    big.y.slice(0, mediumRows),
    mediumRows / 5,
  );
  const small = generated(quick ? 500 : 1000, 8, 3, 11);
  const smallSplit = split(`generated ${small.X.rows}x8`, small.X, small.y, small.X.rows / 5);
  // kNN queries on the large set: ml-knn's k-d tree is slow in 20 dimensions, so both
  // sides answer the same 400 queries.
  const queries = quick ? 100 : 400;
  const bigQueries = { rows: queries, cols: 20, data: bigSplit.XTest.data.slice(0, queries * 20) };
  const bigQueryRows = bigSplit.testRows.slice(0, queries);
  const lrSteps = quick ? 10 : 50;
  const forest = (data: Split, trees: number, label: string) => ({
    name: `random forest ${trees} trees fit+predict, ${data.name}`,
    baseline: {
      name: 'ml-random-forest',
      fn: () => {
        const model = new MlRandomForest({
          nEstimators: trees,
          maxFeatures: Math.floor(Math.sqrt(data.XTrain.cols)),
          seed: 1,
          noOOB: true,
        });
        model.train(data.trainRows, data.trainLabels);
        return model.predict(data.testRows);
      },
    },
    candidate: {
      name: '@toolbox/predictor RandomForestClassifier',
      fn: () =>
        new RandomForestClassifier({ nEstimators: trees, seed: 1 })
          .fit(data.XTrain, data.yTrain)
          .predict(data.XTest),
    },
    target: { minSpeedup: 5, label },
  });
  const tree = (data: Split) => ({
    name: `decision tree fit+predict, ${data.name}`,
    baseline: {
      name: 'ml-cart',
      fn: () => {
        const model = new MlDecisionTree();
        model.train(data.trainRows, data.trainLabels);
        return model.predict(data.testRows);
      },
    },
    candidate: {
      name: '@toolbox/predictor DecisionTreeClassifier',
      fn: () => new DecisionTreeClassifier().fit(data.XTrain, data.yTrain).predict(data.XTest),
    },
  });
  const logistic = (data: Split) => ({
    name: `logistic regression fit+predict, ${data.name}`,
    baseline: {
      name: `ml-logistic-regression (${lrSteps} steps)`,
      fn: () => {
        const model = new MlLogisticRegression({ numSteps: lrSteps, learningRate: 5e-3 });
        model.train(new Matrix(data.trainRows), Matrix.columnVector(data.trainLabels));
        return model.predict(new Matrix(data.testRows));
      },
    },
    candidate: {
      name: '@toolbox/predictor LogisticRegression (L-BFGS to tol 1e-4)',
      fn: () => new LogisticRegression().fit(data.XTrain, data.yTrain).predict(data.XTest),
    },
  });
  return [
    {
      name: `knn k=5 fit+predict, ${digitsSplit.name}`,
      baseline: {
        name: 'ml-knn',
        fn: () =>
          new KNN(digitsSplit.trainRows, digitsSplit.trainLabels, { k: 5 }).predict(digitsSplit.testRows),
      },
      candidate: {
        name: '@toolbox/predictor KNNClassifier',
        fn: () =>
          new KNNClassifier({ k: 5 }).fit(digitsSplit.XTrain, digitsSplit.yTrain).predict(digitsSplit.XTest),
      },
    },
    {
      name: `knn k=5 fit+predict ${queries} queries, ${bigSplit.name}`,
      baseline: {
        name: 'ml-knn',
        fn: () => new KNN(bigSplit.trainRows, bigSplit.trainLabels, { k: 5 }).predict(bigQueryRows),
      },
      candidate: {
        name: '@toolbox/predictor KNNClassifier',
        fn: () => new KNNClassifier({ k: 5 }).fit(bigSplit.XTrain, bigSplit.yTrain).predict(bigQueries),
      },
    },
    logistic(digitsSplit),
    logistic(bigSplit),
    tree(treeSplit),
    forest(smallSplit, quick ? 5 : 10, 'issue 8: random forest >= 5x ml-random-forest'),
    forest(digitsSplit, 2, 'issue 8: random forest >= 5x ml-random-forest'),
    forest(mediumSplit, 2, 'issue 8: random forest >= 5x ml-random-forest'),
  ];
}

export default defineSuite({
  name: 'predictor',
  cases: ({ quick }) => cases(quick),
});
