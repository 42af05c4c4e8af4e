// Worker-side entry of `fit`: the executor's workers load this module and run one
// cross-validation fold per call (plain data in, scores out).
export { evaluateFold } from '@toolbox/predictor';
