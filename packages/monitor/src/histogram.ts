import { InvalidInputError } from '@toolbox/contracts';
import { optionalNumberInRange, optionalPositiveNumber } from './_validate.js';

export interface HistogramOptions {
  /**
   * Guaranteed relative error of every quantile, 0–0.1; default 0.005 (0.5 %). Buckets
   * grow geometrically by `(1 + a) / (1 - a)`, so memory is logarithmic in the value range.
   */
  relativeAccuracy?: number;
  /** Smallest value told apart from zero (same unit as the records, e.g. ms); default 1e-6. */
  minValue?: number;
  /** Largest value tracked; larger records count in the top bucket; default 1e9. */
  maxValue?: number;
}

/**
 * A log-bucketed histogram (DDSketch-style): each positive value lands in bucket
 * `ceil(log_γ v)`, and a quantile is answered by the midpoint of its bucket, which is
 * within `relativeAccuracy` of the true sample at that rank. The bucket array only
 * spans the indices seen so far and never exceeds the `[minValue, maxValue]` range.
 */
export class LogHistogram {
  readonly relativeAccuracy: number;
  readonly #logGamma: number;
  readonly #gamma: number;
  readonly #minValue: number;
  readonly #minIndex: number;
  readonly #maxIndex: number;
  /** counts[i] is the count of bucket `offset + i`. */
  #counts = new Float64Array(0);
  #offset = 0;
  #zeroCount = 0;
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;

  constructor(options: HistogramOptions = {}) {
    this.relativeAccuracy =
      optionalNumberInRange(options.relativeAccuracy, 'options.relativeAccuracy', 1e-6, 0.1) ?? 0.005;
    this.#minValue = optionalPositiveNumber(options.minValue, 'options.minValue') ?? 1e-6;
    const maxValue = optionalPositiveNumber(options.maxValue, 'options.maxValue') ?? 1e9;
    if (maxValue <= this.#minValue)
      throw new InvalidInputError(
        `options.maxValue must be greater than options.minValue (${this.#minValue}), got ${maxValue}`,
        { details: { argument: 'options.maxValue', value: maxValue } },
      );
    this.#gamma = (1 + this.relativeAccuracy) / (1 - this.relativeAccuracy);
    this.#logGamma = Math.log(this.#gamma);
    this.#minIndex = Math.ceil(Math.log(this.#minValue) / this.#logGamma);
    this.#maxIndex = Math.ceil(Math.log(maxValue) / this.#logGamma);
  }

  get count(): number {
    return this.#count;
  }
  get sum(): number {
    return this.#sum;
  }
  /** Smallest recorded value (exact); NaN when empty. */
  get min(): number {
    return this.#count === 0 ? Number.NaN : this.#min;
  }
  /** Largest recorded value (exact); NaN when empty. */
  get max(): number {
    return this.#count === 0 ? Number.NaN : this.#max;
  }
  get mean(): number {
    return this.#count === 0 ? Number.NaN : this.#sum / this.#count;
  }
  /** Buckets currently allocated (memory is 8 bytes each). */
  get bucketCount(): number {
    return this.#counts.length;
  }

  /** Adds one value (≥ 0, finite). */
  record(value: number): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY)
      throw new InvalidInputError(`value must be a finite number ≥ 0, got ${value}`, {
        details: { argument: 'value', value },
      });
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    if (value < this.#minValue) {
      this.#zeroCount++;
      return;
    }
    let index = Math.ceil(Math.log(value) / this.#logGamma);
    if (index > this.#maxIndex) index = this.#maxIndex;
    else if (index < this.#minIndex) index = this.#minIndex;
    let slot = index - this.#offset;
    if (slot < 0 || slot >= this.#counts.length) slot = this.#grow(index);
    this.#counts[slot] = (this.#counts[slot] as number) + 1;
  }

  /** Reallocates so that `index` fits, doubling the span to keep growth amortised; returns its slot. */
  #grow(index: number): number {
    const length = this.#counts.length;
    if (length === 0) {
      this.#counts = new Float64Array(64);
      this.#offset = Math.max(this.#minIndex, Math.min(index - 32, this.#maxIndex - 63));
      return index - this.#offset;
    }
    const low = Math.min(index, this.#offset);
    const high = Math.max(index, this.#offset + length - 1);
    const span = Math.min(this.#maxIndex - this.#minIndex + 1, Math.max(2 * length, high - low + 1));
    const offset = Math.max(this.#minIndex, Math.min(low, high - span + 1));
    const counts = new Float64Array(span);
    counts.set(this.#counts, this.#offset - offset);
    this.#counts = counts;
    this.#offset = offset;
    return index - offset;
  }

  /**
   * The value at rank `floor(q · (count − 1))` of the sorted records, within
   * `relativeAccuracy`; NaN when empty. `q` is in [0, 1].
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1))
      throw new InvalidInputError(`q must be a number from 0 to 1, got ${q}`, {
        details: { argument: 'q', value: q },
      });
    if (this.#count === 0) return Number.NaN;
    const rank = Math.floor(q * (this.#count - 1));
    if (rank < this.#zeroCount) return this.#min;
    if (rank === this.#count - 1) return this.#max;
    let seen = this.#zeroCount;
    const counts = this.#counts;
    for (let slot = 0; slot < counts.length; slot++) {
      seen += counts[slot] as number;
      if (seen > rank) {
        // The top bucket also holds everything clamped above `maxValue`.
        if (this.#offset + slot === this.#maxIndex) return this.#max;
        const estimate = (2 * this.#gamma ** (this.#offset + slot)) / (this.#gamma + 1);
        return Math.min(this.#max, Math.max(this.#min, estimate));
      }
    }
    return this.#max;
  }

  reset(): void {
    this.#counts = new Float64Array(0);
    this.#offset = 0;
    this.#zeroCount = 0;
    this.#count = 0;
    this.#sum = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = Number.NEGATIVE_INFINITY;
  }
}
