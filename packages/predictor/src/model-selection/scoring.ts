import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import type { AnyModel, Classifier } from '../estimator.js';
import {
  accuracy,
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from '../metrics/basic.js';
import { f1Score, logLoss, precisionScore, recallScore } from '../metrics/classification.js';
import { rocAucScore } from '../metrics/roc.js';

/** Scores where higher is better; error metrics are negated (scikit-learn's `neg_` convention). */
export const SCORINGS = [
  'accuracy',
  'f1Macro',
  'f1Weighted',
  'precisionMacro',
  'recallMacro',
  'rocAuc',
  'negLogLoss',
  'r2',
  'negMeanAbsoluteError',
  'negMeanSquaredError',
  'negRootMeanSquaredError',
] as const;
export type Scoring = (typeof SCORINGS)[number];

function probabilities(
  model: AnyModel,
  X: DenseMatrix,
  scoring: Scoring,
): { proba: DenseMatrix; classes: Float64Array } {
  const classifier = model as Classifier;
  if (typeof classifier.predictProba !== 'function') {
    throw new InvalidInputError(
      `scoring '${scoring}' needs a classifier with predictProba, got ${model.type}`,
      {
        details: { argument: 'scoring', value: scoring },
      },
    );
  }
  return { proba: classifier.predictProba(X), classes: classifier.classes };
}

/** Scores a fitted model on (X, y). */
export function score(model: AnyModel, X: DenseMatrix, y: ArrayLike<number>, scoring: Scoring): number {
  if (!('predict' in model)) {
    throw new InvalidInputError(`${model.type} is a transformer and cannot be scored`, {
      details: { argument: 'model' },
    });
  }
  switch (scoring) {
    case 'rocAuc': {
      const { proba, classes } = probabilities(model, X, scoring);
      return rocAucScore(y, proba, { classes });
    }
    case 'negLogLoss': {
      const { proba, classes } = probabilities(model, X, scoring);
      return -logLoss(y, proba, classes);
    }
    default: {
      const predicted = model.predict(X);
      switch (scoring) {
        case 'accuracy':
          return accuracy(y, predicted);
        case 'f1Macro':
          return f1Score(y, predicted, 'macro');
        case 'f1Weighted':
          return f1Score(y, predicted, 'weighted');
        case 'precisionMacro':
          return precisionScore(y, predicted, 'macro');
        case 'recallMacro':
          return recallScore(y, predicted, 'macro');
        case 'r2':
          return r2Score(y, predicted);
        case 'negMeanAbsoluteError':
          return -meanAbsoluteError(y, predicted);
        case 'negMeanSquaredError':
          return -meanSquaredError(y, predicted);
        case 'negRootMeanSquaredError':
          return -rootMeanSquaredError(y, predicted);
      }
    }
  }
  throw new InvalidInputError(
    `scoring must be one of ${SCORINGS.join(', ')}, got ${JSON.stringify(scoring)}`,
    {
      details: { argument: 'scoring', value: scoring },
    },
  );
}
