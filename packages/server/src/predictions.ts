import { createMatrix, type DenseMatrix, InvalidInputError } from '@toolbox/contracts';
import {
  DynamicBatcher,
  type LoadedModel,
  type Registry,
  type Toolbox,
  type VersionInfo,
} from '@toolbox/core';

/** One request's rows (all of one width) and whether it wants class probabilities. */
export interface PredictInput {
  rows: number[][];
  probabilities: boolean;
}

export interface PredictOutput {
  predictions: number[];
  /** One row per input row, columns in `classes` order; classifiers only, when asked. */
  probabilities?: number[][];
  classes?: number[];
}

type Outcome = { ok: true; output: PredictOutput } | { ok: false; error: unknown };

export interface BatchingOptions {
  /** Requests coalesced into one `predict` call at most; default 64. */
  maxBatchSize?: number;
  /** How long the first waiting request waits for others, milliseconds; default 2. */
  maxWaitMs?: number;
}

/** Which model answered, and its answer. */
export interface Prediction extends PredictOutput {
  version: VersionInfo;
}

interface Slot {
  loaded: LoadedModel;
  batcher: DynamicBatcher<PredictInput, Outcome> | undefined;
}

function rowsOf(matrix: DenseMatrix): number[][] {
  const rows: number[][] = [];
  for (let row = 0; row < matrix.rows; row++) {
    rows.push(Array.from(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols)));
  }
  return rows;
}

/** Checks that every row has the first row's width; returns the width. */
export function rowWidth(rows: readonly number[][], argument = 'rows'): number {
  const width = rows[0]?.length ?? 0;
  if (rows.length === 0 || width === 0) {
    throw new InvalidInputError(`${argument} must hold at least one row of at least one value`, {
      details: { argument },
    });
  }
  rows.forEach((row, index) => {
    if (row.length !== width) {
      throw new InvalidInputError(
        `${argument}[${index}] has ${row.length} values but ${argument}[0] has ${width}`,
        {
          details: { argument: `${argument}[${index}]` },
        },
      );
    }
  });
  return width;
}

/** One `predict` (and at most one `predictProba`) over the stacked rows of same-width requests. */
function predictGroup(model: LoadedModel['model'], inputs: readonly PredictInput[]): PredictOutput[] {
  const width = inputs[0]?.rows[0]?.length ?? 0;
  const total = inputs.reduce((sum, input) => sum + input.rows.length, 0);
  const data = new Float64Array(total * width);
  let offset = 0;
  for (const input of inputs) {
    for (const row of input.rows) {
      data.set(row, offset);
      offset += width;
    }
  }
  const X = createMatrix(total, width, data);
  const predictions = model.predict(X);
  const wantsProbabilities = inputs.some((input) => input.probabilities) && model.predictProba !== undefined;
  const probabilities = wantsProbabilities ? rowsOf(model.predictProba?.(X) as DenseMatrix) : undefined;
  const classes = model.classes === undefined ? undefined : Array.from(model.classes);
  let start = 0;
  return inputs.map((input) => {
    const end = start + input.rows.length;
    const output: PredictOutput = { predictions: Array.from(predictions.subarray(start, end)) };
    if (input.probabilities && probabilities !== undefined) {
      output.probabilities = probabilities.slice(start, end);
      output.classes = classes;
    }
    start = end;
    return output;
  });
}

/** Predicts for each input; inputs of different widths go in separate calls so one bad request fails alone. */
function predictEach(model: LoadedModel['model'], inputs: readonly PredictInput[]): Outcome[] {
  const groups = new Map<number, number[]>();
  inputs.forEach((input, index) => {
    const width = input.rows[0]?.length ?? 0;
    groups.set(width, [...(groups.get(width) ?? []), index]);
  });
  const outcomes: Outcome[] = new Array(inputs.length);
  for (const indices of groups.values()) {
    try {
      const outputs = predictGroup(
        model,
        indices.map((index) => inputs[index] as PredictInput),
      );
      indices.forEach((index, position) => {
        outcomes[index] = { ok: true, output: outputs[position] as PredictOutput };
      });
    } catch (error) {
      for (const index of indices) outcomes[index] = { ok: false, error };
    }
  }
  return outcomes;
}

/**
 * Answers predictions from registered models: loaded models are kept in a small LRU by
 * `name@version` (a moved alias or a new production version resolves to another key, so
 * it is loaded on its next request, without a restart), and with batching on, concurrent
 * requests for the same version are coalesced by a `DynamicBatcher` into one `predict`.
 */
export class PredictionService {
  readonly #toolbox: Toolbox;
  readonly #batching: Required<BatchingOptions> | undefined;
  readonly #maxLoadedModels: number;
  readonly #slots = new Map<string, Slot>();

  constructor(toolbox: Toolbox, batching: Required<BatchingOptions> | undefined, maxLoadedModels: number) {
    this.#toolbox = toolbox;
    this.#batching = batching;
    this.#maxLoadedModels = maxLoadedModels;
  }

  /** Loaded models now, most recently used last. */
  loaded(): string[] {
    return [...this.#slots.keys()];
  }

  async predict(name: string, reference: string, input: PredictInput): Promise<Prediction> {
    rowWidth(input.rows);
    // Resolved on every request: a moved alias or a new production version is served at once.
    const version = (this.#toolbox.registry as Registry).resolve(name, reference);
    const slot = this.#slot(name, version.version);
    const outcome = slot.batcher
      ? await slot.batcher.submit(input)
      : (predictEach(slot.loaded.model, [input])[0] as Outcome);
    if (!outcome.ok) throw outcome.error;
    return { version, ...outcome.output };
  }

  #slot(name: string, version: string): Slot {
    const key = `${name}@${version}`;
    const existing = this.#slots.get(key);
    if (existing !== undefined) {
      this.#slots.delete(key);
      this.#slots.set(key, existing);
      return existing;
    }
    const loaded = this.#toolbox.loadModel(name, version);
    const batcher =
      this.#batching === undefined
        ? undefined
        : new DynamicBatcher<PredictInput, Outcome>({
            ...this.#batching,
            process: (inputs) => predictEach(loaded.model, inputs),
          });
    const slot = { loaded, batcher };
    this.#slots.set(key, slot);
    // An evicted batcher is dropped, not disposed: requests already in it still get their answers.
    while (this.#slots.size > this.#maxLoadedModels) {
      const oldest = this.#slots.keys().next().value as string;
      this.#slots.delete(oldest);
    }
    return slot;
  }

  /** Stops the batchers (requests still waiting are refused with `AbortError`). */
  async dispose(): Promise<void> {
    const slots = [...this.#slots.values()];
    this.#slots.clear();
    await Promise.all(slots.map((slot) => slot.batcher?.dispose()));
  }
}
