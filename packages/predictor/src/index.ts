export { NotFittedError } from './errors.js';
export type {
  AnyModel,
  Classifier,
  Estimator,
  EstimatorJSON,
  EstimatorSpec,
  Regressor,
  Transformer,
} from './estimator.js';
export type {
  ForestOptions,
  ForestParams,
  MaxFeatures,
  TreeOptions,
  TreeParams,
} from './estimators/_forest.js';
export { DecisionTreeClassifier, DecisionTreeRegressor } from './estimators/decision-tree.js';
export type { KNNOptions, KNNParams } from './estimators/knn.js';
export { KNNClassifier, KNNRegressor } from './estimators/knn.js';
export type { LinearRegressionOptions } from './estimators/linear-regression.js';
export { LinearRegression } from './estimators/linear-regression.js';
export type {
  Convergence,
  LogisticRegressionOptions,
  LogisticRegressionParams,
} from './estimators/logistic-regression.js';
export { LogisticRegression } from './estimators/logistic-regression.js';
export type { MLPOptions, MLPParams, TrainingHistory } from './estimators/mlp.js';
export { MLPClassifier, MLPRegressor } from './estimators/mlp.js';
export { RandomForestClassifier, RandomForestRegressor } from './estimators/random-forest.js';
export type { RidgeOptions } from './estimators/ridge.js';
export { Ridge } from './estimators/ridge.js';
export {
  accuracy,
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from './metrics/basic.js';
export type { Average, ClassScores, ConfusionMatrix } from './metrics/classification.js';
export {
  classificationScores,
  confusionMatrix,
  f1Score,
  logLoss,
  precisionScore,
  recallScore,
} from './metrics/classification.js';
export type { RocCurve } from './metrics/roc.js';
export { auc, rocAucScore, rocCurve } from './metrics/roc.js';
export type {
  CrossValidateOptions,
  CrossValidateResult,
  FoldResult,
  FoldTask,
} from './model-selection/cross-validate.js';
export {
  createFoldTasks,
  crossValidate,
  evaluateFold,
  summarizeFolds,
} from './model-selection/cross-validate.js';
export type { Fold, KFoldOptions } from './model-selection/k-fold.js';
export { KFold } from './model-selection/k-fold.js';
export type { EstimatorClass, EstimatorRegistry } from './model-selection/registry.js';
export {
  createEstimator,
  defaultEstimators,
  estimatorFromJSON,
  specOf,
} from './model-selection/registry.js';
export type { Scoring } from './model-selection/scoring.js';
export { SCORINGS, score } from './model-selection/scoring.js';
export { StratifiedKFold } from './model-selection/stratified-k-fold.js';
export type { TrainTestSplit, TrainTestSplitOptions } from './model-selection/train-test-split.js';
export { trainTestSplit } from './model-selection/train-test-split.js';
export { currentMachineFingerprint } from './plan-advisor/machine-fingerprint.js';
export type {
  LearnedPlanAdvisor,
  PlanAdvisorOptions,
  PlanAdvisorStats,
  PlanPrediction,
} from './plan-advisor/plan-advisor.js';
export { createPlanAdvisor } from './plan-advisor/plan-advisor.js';
export { workloadFeatures, workloadKey } from './plan-advisor/workload-features.js';
export type { Label } from './preprocessing/label-encoder.js';
export { LabelEncoder } from './preprocessing/label-encoder.js';
export type { MinMaxScalerOptions } from './preprocessing/min-max-scaler.js';
export { MinMaxScaler } from './preprocessing/min-max-scaler.js';
export type { OneHotEncoderOptions } from './preprocessing/one-hot-encoder.js';
export { OneHotEncoder } from './preprocessing/one-hot-encoder.js';
export type { OrdinalEncoderOptions } from './preprocessing/ordinal-encoder.js';
export { OrdinalEncoder } from './preprocessing/ordinal-encoder.js';
export type { PipelineOptions, PipelineParams } from './preprocessing/pipeline.js';
export { Pipeline } from './preprocessing/pipeline.js';
export type { ImputeStrategy, SimpleImputerOptions } from './preprocessing/simple-imputer.js';
export { SimpleImputer } from './preprocessing/simple-imputer.js';
export type { StandardScalerOptions } from './preprocessing/standard-scaler.js';
export { StandardScaler } from './preprocessing/standard-scaler.js';
