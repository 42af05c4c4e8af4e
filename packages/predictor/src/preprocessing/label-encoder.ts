import { InvalidInputError } from '@toolbox/contracts';
import { checkJSON } from '../_json.js';
import { NotFittedError } from '../errors.js';
import type { EstimatorJSON } from '../estimator.js';

export type Label = string | number;

/**
 * Maps labels (strings or numbers) to codes 0..k−1 in sorted order and back, to
 * feed string targets to the classifiers.
 */
export class LabelEncoder {
  readonly type = 'LabelEncoder';
  readonly params: Readonly<Record<string, never>> = Object.freeze({});
  private labels: Label[] | undefined;
  private index = new Map<Label, number>();

  get fitted(): boolean {
    return this.labels !== undefined;
  }

  /** The labels seen in fit, sorted (numbers before strings). */
  get classes(): Label[] {
    if (this.labels === undefined) throw new NotFittedError(this.type, 'classes');
    return [...this.labels];
  }

  fit(labels: readonly Label[] | ArrayLike<number>): this {
    const values = checkLabels(labels);
    if (values.length === 0) {
      throw new InvalidInputError('labels must not be empty', { details: { argument: 'labels' } });
    }
    const distinct = Array.from(new Set(values)).sort(compareLabels);
    this.labels = distinct;
    this.index = new Map(distinct.map((label, k) => [label, k]));
    return this;
  }

  transform(labels: readonly Label[] | ArrayLike<number>): Float64Array {
    if (this.labels === undefined) throw new NotFittedError(this.type, 'transform');
    const values = checkLabels(labels);
    return Float64Array.from(values, (label, i) => {
      const code = this.index.get(label);
      if (code === undefined) {
        throw new InvalidInputError(`labels[${i}] = ${JSON.stringify(label)} was not seen in fit`, {
          details: { argument: 'labels', index: i },
        });
      }
      return code;
    });
  }

  fitTransform(labels: readonly Label[] | ArrayLike<number>): Float64Array {
    return this.fit(labels).transform(labels);
  }

  inverseTransform(codes: ArrayLike<number>): Label[] {
    const labels = this.labels;
    if (labels === undefined) throw new NotFittedError(this.type, 'inverseTransform');
    return Array.from({ length: codes.length }, (_, i) => {
      const label = labels[codes[i] as number];
      if (label === undefined) {
        throw new InvalidInputError(`codes[${i}] = ${codes[i]} is not a code in 0..${labels.length - 1}`, {
          details: { argument: 'codes', index: i },
        });
      }
      return label;
    });
  }

  toJSON(): EstimatorJSON<Record<string, never>, { classes: Label[] }> {
    return {
      type: this.type,
      version: 1,
      params: {},
      state: this.labels === undefined ? null : { classes: [...this.labels] },
    };
  }

  static fromJSON(json: EstimatorJSON): LabelEncoder {
    const { state } = checkJSON<Record<string, never>, { classes: Label[] }>(json, 'LabelEncoder');
    const encoder = new LabelEncoder();
    return state === null ? encoder : encoder.fit(state.classes);
  }
}

function checkLabels(labels: unknown): Label[] {
  if (
    labels === null ||
    typeof labels !== 'object' ||
    typeof (labels as ArrayLike<unknown>).length !== 'number'
  ) {
    throw new InvalidInputError('labels must be an array of strings or numbers', {
      details: { argument: 'labels' },
    });
  }
  const values = Array.from(labels as ArrayLike<unknown>);
  values.forEach((label, i) => {
    if (typeof label !== 'string' && !(typeof label === 'number' && Number.isFinite(label))) {
      throw new InvalidInputError(`labels[${i}] must be a string or a finite number, got ${String(label)}`, {
        details: { argument: 'labels', index: i },
      });
    }
  });
  return values as Label[];
}

function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
