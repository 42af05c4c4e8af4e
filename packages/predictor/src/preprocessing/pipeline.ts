import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import { checkJSON } from '../_json.js';
import { NotFittedError } from '../errors.js';
import type {
  AnyModel,
  Classifier,
  Estimator,
  EstimatorJSON,
  EstimatorSpec,
  Transformer,
} from '../estimator.js';
import {
  createEstimator,
  type EstimatorRegistry,
  estimatorFromJSON,
  specOf,
} from '../model-selection/registry.js';

export interface PipelineOptions {
  /**
   * Transformers followed by one final step (a model, or another transformer).
   * Each is a spec `{ estimator, params }` or an unfitted instance.
   */
  steps: (EstimatorSpec | AnyModel)[];
}

export interface PipelineParams {
  steps: EstimatorSpec[];
}

function isModel(step: EstimatorSpec | AnyModel): step is AnyModel {
  return typeof (step as AnyModel).fit === 'function';
}

/**
 * Transforms followed by a final estimator: `fit` fits each transform on the
 * output of the previous one, `predict` runs new rows through the same chain.
 */
export class Pipeline implements Estimator<PipelineParams> {
  readonly type = 'Pipeline';
  readonly params: Readonly<PipelineParams>;
  readonly steps: readonly AnyModel[];

  constructor(options: PipelineOptions, registry?: EstimatorRegistry) {
    if (
      typeof options !== 'object' ||
      options === null ||
      !Array.isArray(options.steps) ||
      options.steps.length === 0
    ) {
      throw new InvalidInputError('options.steps must be a non-empty array of estimator specs or instances', {
        details: { argument: 'options.steps' },
      });
    }
    this.steps = options.steps.map((step) => (isModel(step) ? step : createEstimator(step, registry)));
    this.steps.forEach((step, index) => {
      if (index < this.steps.length - 1 && step.kind !== 'transformer') {
        throw new InvalidInputError(
          `options.steps[${index}] (${step.type}) must be a transformer: only the last step may be a model`,
          { details: { argument: `options.steps[${index}]` } },
        );
      }
    });
    this.params = Object.freeze({ steps: this.steps.map(specOf) });
  }

  /** The last step's kind: a pipeline ending in a classifier is a classifier. */
  get kind(): 'classifier' | 'regressor' {
    return this.final.kind as 'classifier' | 'regressor';
  }

  get fitted(): boolean {
    return this.steps.every((step) => step.fitted);
  }

  /** Classes of the final classifier. */
  get classes(): Float64Array {
    const final = this.final as Classifier;
    if (final.kind !== 'classifier') {
      throw new InvalidInputError(`the last step (${final.type}) is not a classifier`, {
        details: { argument: 'steps' },
      });
    }
    return final.classes;
  }

  private get final(): AnyModel {
    return this.steps[this.steps.length - 1] as AnyModel;
  }

  fit(X: DenseMatrix, y: ArrayLike<number>): this {
    let current = X;
    for (const step of this.steps.slice(0, -1)) current = (step as Transformer).fitTransform(current, y);
    this.final.fit(current, y);
    return this;
  }

  private through(X: DenseMatrix, method: string): DenseMatrix {
    if (!this.fitted) throw new NotFittedError(this.type, method);
    let current = X;
    for (const step of this.steps.slice(0, -1)) current = (step as Transformer).transform(current);
    return current;
  }

  predict(X: DenseMatrix): Float64Array {
    const final = this.final;
    if (final.kind === 'transformer') {
      throw new InvalidInputError(`the last step (${final.type}) is a transformer and cannot predict`, {
        details: { argument: 'steps' },
      });
    }
    return (final as Estimator).predict(this.through(X, 'predict'));
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    const final = this.final as Classifier;
    if (typeof final.predictProba !== 'function') {
      throw new InvalidInputError(`the last step (${final.type}) has no predictProba`, {
        details: { argument: 'steps' },
      });
    }
    return final.predictProba(this.through(X, 'predictProba'));
  }

  /** Runs X through every step; all steps must be transformers. */
  transform(X: DenseMatrix): DenseMatrix {
    const final = this.final;
    if (final.kind !== 'transformer') {
      throw new InvalidInputError(`the last step (${final.type}) is a model; use predict`, {
        details: { argument: 'steps' },
      });
    }
    return (final as Transformer).transform(this.through(X, 'transform'));
  }

  toJSON(): EstimatorJSON<PipelineParams, { steps: EstimatorJSON[] }> {
    return {
      type: this.type,
      version: 1,
      params: { steps: this.params.steps.map((spec) => ({ ...spec })) },
      state: this.fitted ? { steps: this.steps.map((step) => step.toJSON()) } : null,
    };
  }

  static fromJSON(json: EstimatorJSON, registry?: EstimatorRegistry): Pipeline {
    const { params, state } = checkJSON<PipelineParams, { steps: EstimatorJSON[] }>(json, 'Pipeline');
    if (state === null) return new Pipeline({ steps: params.steps }, registry);
    return new Pipeline({ steps: state.steps.map((step) => estimatorFromJSON(step, registry)) }, registry);
  }
}
