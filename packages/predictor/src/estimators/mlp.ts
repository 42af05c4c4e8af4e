import { createMatrix, type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { matmul, matmulTransposeA, matmulTransposeB } from '@toolbox/math';
import { checkJSON } from '../_json.js';
import { createRandom, type Random, shuffleInPlace } from '../_random.js';
import {
  checkColumns,
  checkMatrix,
  checkTarget,
  encodeClasses,
  nonNegativeNumber,
  oneOf,
  positiveInteger,
  positiveNumber,
  seedOption,
  takeRows,
  takeValues,
} from '../_validate.js';
import { NotFittedError } from '../errors.js';
import type { Classifier, EstimatorJSON, Regressor } from '../estimator.js';
import { booleanOption } from './_linear.js';

export interface MLPOptions {
  /** Units per hidden layer. Default `[100]`. */
  hiddenLayerSizes?: number[];
  /** Hidden activation. Default `'relu'`. */
  activation?: 'relu' | 'tanh';
  /** L2 penalty on the weights. Default 1e-4. */
  alpha?: number;
  /** Adam step size. Default 1e-3. */
  learningRate?: number;
  /** Rows per minibatch (capped at the row count). Default 200. */
  batchSize?: number;
  /** Epochs at most. Default 200. */
  maxIter?: number;
  /** Improvement smaller than this for `nIterNoChange` epochs stops training. Default 1e-4. */
  tol?: number;
  /** Default 10. */
  nIterNoChange?: number;
  /** Hold out `validationFraction` of the rows and stop when its score stops improving (keeping the best weights). Default false. */
  earlyStopping?: boolean;
  /** Default 0.1. */
  validationFraction?: number;
  /** Seed of the initial weights, the shuffles and the validation split. Default 0. */
  seed?: number;
}

export type MLPParams = Required<MLPOptions>;

interface Layer {
  inputs: number;
  outputs: number;
  /** inputs × outputs, row-major. */
  weights: Float64Array;
  bias: Float64Array;
}

/** Training history, kept for dashboards. */
export interface TrainingHistory {
  /** Mean training loss (with the L2 term) per epoch. */
  lossCurve: number[];
  /** Validation accuracy or R² per epoch (early stopping only). */
  validationScores: number[];
  epochs: number;
  /** Stopped by the tolerance rule rather than by `maxIter`. */
  converged: boolean;
}

interface MLPState {
  layers: { inputs: number; outputs: number; weights: number[]; bias: number[] }[];
  classes: number[] | null;
  history: TrainingHistory;
}

function resolve(options: MLPOptions, owner: string): MLPParams {
  const params: MLPParams = {
    hiddenLayerSizes: [100],
    activation: 'relu',
    alpha: 1e-4,
    learningRate: 1e-3,
    batchSize: 200,
    maxIter: 200,
    tol: 1e-4,
    nIterNoChange: 10,
    earlyStopping: false,
    validationFraction: 0.1,
    seed: 0,
    ...options,
  };
  if (!Array.isArray(params.hiddenLayerSizes)) {
    throw new InvalidInputError(`${owner} options.hiddenLayerSizes must be an array of positive integers`, {
      details: { argument: 'options.hiddenLayerSizes' },
    });
  }
  params.hiddenLayerSizes.forEach((units, i) => {
    positiveInteger(units, `options.hiddenLayerSizes[${i}]`);
  });
  params.hiddenLayerSizes = [...params.hiddenLayerSizes];
  oneOf(params.activation, ['relu', 'tanh'], 'options.activation');
  nonNegativeNumber(params.alpha, 'options.alpha');
  positiveNumber(params.learningRate, 'options.learningRate');
  positiveInteger(params.batchSize, 'options.batchSize');
  positiveInteger(params.maxIter, 'options.maxIter');
  nonNegativeNumber(params.tol, 'options.tol');
  positiveInteger(params.nIterNoChange, 'options.nIterNoChange');
  booleanOption(params.earlyStopping, 'options.earlyStopping');
  if (!(params.validationFraction > 0 && params.validationFraction < 1)) {
    throw new InvalidInputError(
      `options.validationFraction must be in (0, 1), got ${String(params.validationFraction)}`,
      {
        details: { argument: 'options.validationFraction' },
      },
    );
  }
  seedOption(params.seed, 'options.seed');
  return params;
}

/** Glorot-uniform initial weights, zero-mean uniform biases (scikit-learn's scheme). */
function initLayers(sizes: number[], random: Random): Layer[] {
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l] as number;
    const outputs = sizes[l + 1] as number;
    const bound = Math.sqrt(6 / (inputs + outputs));
    const weights = new Float64Array(inputs * outputs);
    for (let p = 0; p < weights.length; p++) weights[p] = (random.next() * 2 - 1) * bound;
    const bias = new Float64Array(outputs);
    for (let p = 0; p < outputs; p++) bias[p] = (random.next() * 2 - 1) * bound;
    layers.push({ inputs, outputs, weights, bias });
  }
  return layers;
}

/**
 * Forward pass; returns every layer's activations (index 0 is the input). The
 * output is softmax probabilities (classification) or the identity (regression).
 */
function forward(
  X: DenseMatrix,
  layers: Layer[],
  activation: MLPParams['activation'],
  softmax: boolean,
): DenseMatrix[] {
  const activations: DenseMatrix[] = [X];
  layers.forEach((layer, l) => {
    const input = activations[l] as DenseMatrix;
    const out = matmul(input, createMatrix(layer.inputs, layer.outputs, layer.weights));
    const z = out.data;
    const last = l === layers.length - 1;
    for (let i = 0; i < input.rows; i++) {
      const base = i * layer.outputs;
      for (let o = 0; o < layer.outputs; o++) {
        const v = (z[base + o] as number) + (layer.bias[o] as number);
        z[base + o] = last ? v : activation === 'relu' ? Math.max(v, 0) : Math.tanh(v);
      }
      if (last && softmax) {
        let max = Number.NEGATIVE_INFINITY;
        for (let o = 0; o < layer.outputs; o++) max = Math.max(max, z[base + o] as number);
        let sum = 0;
        for (let o = 0; o < layer.outputs; o++) {
          const e = Math.exp((z[base + o] as number) - max);
          z[base + o] = e;
          sum += e;
        }
        for (let o = 0; o < layer.outputs; o++) z[base + o] = (z[base + o] as number) / sum;
      }
    }
    activations.push(out);
  });
  return activations;
}

class Adam {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private step = 0;

  constructor(
    private readonly parameters: Float64Array[],
    private readonly learningRate: number,
  ) {
    this.m = parameters.map((p) => new Float64Array(p.length));
    this.v = parameters.map((p) => new Float64Array(p.length));
  }

  update(gradients: Float64Array[]): void {
    this.step++;
    const correction1 = 1 - 0.9 ** this.step;
    const correction2 = 1 - 0.999 ** this.step;
    const rate = (this.learningRate * Math.sqrt(correction2)) / correction1;
    this.parameters.forEach((parameter, k) => {
      const g = gradients[k] as Float64Array;
      const m = this.m[k] as Float64Array;
      const v = this.v[k] as Float64Array;
      for (let p = 0; p < parameter.length; p++) {
        const gp = g[p] as number;
        m[p] = 0.9 * (m[p] as number) + 0.1 * gp;
        v[p] = 0.999 * (v[p] as number) + 0.001 * gp * gp;
        parameter[p] =
          (parameter[p] as number) - (rate * (m[p] as number)) / (Math.sqrt(v[p] as number) + 1e-8);
      }
    });
  }
}

abstract class MLPBase {
  abstract readonly type: string;
  readonly params: Readonly<MLPParams>;
  protected layers: Layer[] | undefined;
  protected classList: Float64Array | undefined;
  protected trainingHistory: TrainingHistory = {
    lossCurve: [],
    validationScores: [],
    epochs: 0,
    converged: false,
  };
  protected abstract readonly softmax: boolean;

  constructor(options: MLPOptions, owner: string) {
    this.params = Object.freeze(resolve(options, owner));
  }

  get fitted(): boolean {
    return this.layers !== undefined;
  }

  /** Loss per epoch and (with early stopping) validation scores, for dashboards. */
  get history(): TrainingHistory {
    if (this.layers === undefined) throw new NotFittedError(this.type, 'history');
    return {
      ...this.trainingHistory,
      lossCurve: [...this.trainingHistory.lossCurve],
      validationScores: [...this.trainingHistory.validationScores],
    };
  }

  /** Targets as network outputs: one-hot rows (classification) or the value. */
  protected abstract encodeTargets(y: Float64Array): { outputs: number; targets: Float64Array };
  protected abstract validationScore(predicted: DenseMatrix, y: Float64Array): number;

  protected train(X: DenseMatrix, y: ArrayLike<number>): void {
    const matrix = checkMatrix(X, 'X');
    const target = checkTarget(y, matrix.rows, 'y');
    const p = this.params;
    const random = createRandom(p.seed);
    let trainX = matrix;
    let trainY = target;
    let validX: DenseMatrix | undefined;
    let validY: Float64Array | undefined;
    if (p.earlyStopping) {
      const order = shuffleInPlace(
        Uint32Array.from({ length: matrix.rows }, (_, i) => i),
        random,
      );
      const held = Math.max(1, Math.round(matrix.rows * p.validationFraction));
      if (held >= matrix.rows) {
        throw new InvalidInputError(`X has too few rows (${matrix.rows}) to hold out a validation set`, {
          details: { argument: 'X' },
        });
      }
      validX = takeRows(matrix, order.subarray(0, held));
      validY = takeValues(target, order.subarray(0, held));
      trainX = takeRows(matrix, order.subarray(held));
      trainY = takeValues(target, order.subarray(held));
    }
    const { outputs, targets } = this.encodeTargets(trainY);
    const layers = initLayers([matrix.cols, ...p.hiddenLayerSizes, outputs], random);
    const parameters = layers.flatMap((layer) => [layer.weights, layer.bias]);
    const gradients = parameters.map((parameter) => new Float64Array(parameter.length));
    const adam = new Adam(parameters, p.learningRate);
    const n = trainX.rows;
    const batchSize = Math.min(p.batchSize, n);
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    const history: TrainingHistory = { lossCurve: [], validationScores: [], epochs: 0, converged: false };
    let bestLoss = Number.POSITIVE_INFINITY;
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestLayers: Layer[] | undefined;
    let stale = 0;
    for (let epoch = 0; epoch < p.maxIter; epoch++) {
      shuffleInPlace(order, random);
      let epochLoss = 0;
      for (let start = 0; start < n; start += batchSize) {
        const rows = order.subarray(start, Math.min(n, start + batchSize));
        const batch = takeRows(trainX, rows);
        const batchTargets = new Float64Array(rows.length * outputs);
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i] as number;
          batchTargets.set(targets.subarray(r * outputs, r * outputs + outputs), i * outputs);
        }
        epochLoss += this.step(batch, batchTargets, layers, gradients) * rows.length;
        adam.update(gradients);
      }
      let penalty = 0;
      for (const layer of layers) for (const w of layer.weights) penalty += w * w;
      const loss = epochLoss / n + (0.5 * p.alpha * penalty) / n;
      history.lossCurve.push(loss);
      history.epochs = epoch + 1;
      if (validX !== undefined && validY !== undefined) {
        const out = forward(validX, layers, p.activation, this.softmax);
        const score = this.validationScore(out[out.length - 1] as DenseMatrix, validY);
        history.validationScores.push(score);
        if (score > bestScore + p.tol) stale = 0;
        else stale++;
        if (score > bestScore) {
          bestScore = score;
          bestLayers = layers.map((layer) => ({
            ...layer,
            weights: layer.weights.slice(),
            bias: layer.bias.slice(),
          }));
        }
      } else {
        if (loss > bestLoss - p.tol) stale++;
        else stale = 0;
        bestLoss = Math.min(bestLoss, loss);
      }
      if (stale >= p.nIterNoChange) {
        history.converged = true;
        break;
      }
    }
    this.layers = bestLayers ?? layers;
    this.trainingHistory = history;
  }

  /** One minibatch: forward, backward into `gradients`; returns the mean data loss. */
  private step(
    batch: DenseMatrix,
    targets: Float64Array,
    layers: Layer[],
    gradients: Float64Array[],
  ): number {
    const { activation, alpha } = this.params;
    const activations = forward(batch, layers, activation, this.softmax);
    const rows = batch.rows;
    const output = activations[activations.length - 1] as DenseMatrix;
    const delta = new Float64Array(output.data.length);
    let loss = 0;
    for (let k = 0; k < delta.length; k++) {
      const predicted = output.data[k] as number;
      const truth = targets[k] as number;
      if (this.softmax) {
        if (truth > 0) loss -= Math.log(Math.max(predicted, 1e-300));
      } else loss += 0.5 * (predicted - truth) ** 2;
      delta[k] = (predicted - truth) / rows;
    }
    let current = createMatrix(rows, output.cols, delta);
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l] as Layer;
      const input = activations[l] as DenseMatrix;
      const gradW = gradients[2 * l] as Float64Array;
      matmulTransposeA(input, current, createMatrix(layer.inputs, layer.outputs, gradW));
      for (let p = 0; p < gradW.length; p++)
        gradW[p] = (gradW[p] as number) + (alpha * (layer.weights[p] as number)) / rows;
      const gradB = gradients[2 * l + 1] as Float64Array;
      gradB.fill(0);
      for (let i = 0; i < rows; i++) {
        for (let o = 0; o < layer.outputs; o++)
          gradB[o] = (gradB[o] as number) + (current.data[i * layer.outputs + o] as number);
      }
      if (l === 0) break;
      const back = matmulTransposeB(current, createMatrix(layer.inputs, layer.outputs, layer.weights));
      const a = input.data;
      for (let k = 0; k < back.data.length; k++) {
        const value = a[k] as number;
        const derivative = activation === 'relu' ? (value > 0 ? 1 : 0) : 1 - value * value;
        back.data[k] = (back.data[k] as number) * derivative;
      }
      current = back;
    }
    return loss / rows;
  }

  protected output(X: DenseMatrix, method: string): DenseMatrix {
    const layers = this.layers;
    if (layers === undefined) throw new NotFittedError(this.type, method);
    const matrix = checkMatrix(X, 'X');
    checkColumns(matrix, (layers[0] as Layer).inputs, this.type);
    const activations = forward(matrix, layers, this.params.activation, this.softmax);
    return activations[activations.length - 1] as DenseMatrix;
  }

  toJSON(): EstimatorJSON<MLPParams, MLPState> {
    return {
      type: this.type,
      version: 1,
      params: { ...this.params, hiddenLayerSizes: [...this.params.hiddenLayerSizes] },
      state:
        this.layers === undefined
          ? null
          : {
              layers: this.layers.map((layer) => ({
                inputs: layer.inputs,
                outputs: layer.outputs,
                weights: Array.from(layer.weights),
                bias: Array.from(layer.bias),
              })),
              classes: this.classList === undefined ? null : Array.from(this.classList),
              history: this.history,
            },
    };
  }

  protected restore(json: unknown): this {
    const { state } = checkJSON<MLPParams, MLPState>(json, this.type);
    if (state !== null) {
      this.layers = state.layers.map((layer) => ({
        inputs: layer.inputs,
        outputs: layer.outputs,
        weights: Float64Array.from(layer.weights),
        bias: Float64Array.from(layer.bias),
      }));
      this.classList = state.classes === null ? undefined : Float64Array.from(state.classes);
      this.trainingHistory = {
        ...state.history,
        lossCurve: [...state.history.lossCurve],
        validationScores: [...state.history.validationScores],
      };
    }
    return this;
  }
}

/** Multi-layer perceptron classifier: dense layers, softmax output, cross-entropy, Adam. */
export class MLPClassifier extends MLPBase implements Classifier<MLPParams> {
  readonly type = 'MLPClassifier';
  readonly kind = 'classifier';
  protected readonly softmax = true;

  constructor(options: MLPOptions = {}) {
    super(options, 'MLPClassifier');
  }

  get classes(): Float64Array {
    if (this.classList === undefined) throw new NotFittedError(this.type, 'classes');
    return this.classList.slice();
  }

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    const matrix = checkMatrix(X, 'X');
    const { classes, codes } = encodeClasses(checkTarget(y, matrix.rows, 'y'), 'y');
    this.classList = classes;
    this.train(matrix, codes);
    return this;
  }

  protected encodeTargets(codes: Float64Array): { outputs: number; targets: Float64Array } {
    const outputs = (this.classList as Float64Array).length;
    const targets = new Float64Array(codes.length * outputs);
    for (let i = 0; i < codes.length; i++) targets[i * outputs + (codes[i] as number)] = 1;
    return { outputs, targets };
  }

  protected validationScore(proba: DenseMatrix, codes: Float64Array): number {
    let hits = 0;
    for (let i = 0; i < proba.rows; i++) {
      let best = 0;
      for (let k = 1; k < proba.cols; k++)
        if ((proba.data[i * proba.cols + k] as number) > (proba.data[i * proba.cols + best] as number))
          best = k;
      if (best === codes[i]) hits++;
    }
    return hits / proba.rows;
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    return this.output(X, 'predictProba');
  }

  predict(X: DenseMatrix): Float64Array {
    const proba = this.output(X, 'predict');
    const classes = this.classList as Float64Array;
    const out = new Float64Array(proba.rows);
    for (let i = 0; i < proba.rows; i++) {
      let best = 0;
      for (let k = 1; k < proba.cols; k++)
        if ((proba.data[i * proba.cols + k] as number) > (proba.data[i * proba.cols + best] as number))
          best = k;
      out[i] = classes[best] as number;
    }
    return out;
  }

  static fromJSON(json: EstimatorJSON): MLPClassifier {
    return new MLPClassifier((json as EstimatorJSON<MLPOptions>)?.params ?? {}).restore(json);
  }
}

/** Multi-layer perceptron regressor: dense layers, identity output, squared error, Adam. */
export class MLPRegressor extends MLPBase implements Regressor<MLPParams> {
  readonly type = 'MLPRegressor';
  readonly kind = 'regressor';
  protected readonly softmax = false;

  constructor(options: MLPOptions = {}) {
    super(options, 'MLPRegressor');
  }

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    this.train(X, y);
    return this;
  }

  protected encodeTargets(y: Float64Array): { outputs: number; targets: Float64Array } {
    return { outputs: 1, targets: y };
  }

  protected validationScore(predicted: DenseMatrix, y: Float64Array): number {
    let mean = 0;
    for (const v of y) mean += v;
    mean /= y.length;
    let residual = 0;
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      residual += ((y[i] as number) - (predicted.data[i] as number)) ** 2;
      total += ((y[i] as number) - mean) ** 2;
    }
    return total === 0 ? (residual === 0 ? 1 : 0) : 1 - residual / total;
  }

  predict(X: DenseMatrix): Float64Array {
    return this.output(X, 'predict').data;
  }

  static fromJSON(json: EstimatorJSON): MLPRegressor {
    return new MLPRegressor((json as EstimatorJSON<MLPOptions>)?.params ?? {}).restore(json);
  }
}
