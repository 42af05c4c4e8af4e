/** What the main thread sends the generic worker entry: one chunk of items for one module export. */
export interface ChunkRequest {
  /** `file:` URL of the task module. */
  module: string;
  export: string;
  items: unknown[];
  /**
   * Shared progress cell, written by the worker before each item:
   * `[0]` items finished in this chunk, `[1]` `Date.now()` when the current item started.
   */
  progress?: Float64Array;
  /** Move typed-array buffers of the results back instead of copying them. */
  transfer?: boolean;
}

/** A task error flattened so that its name, code and `retryable` flag survive the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  retryable?: boolean;
}

/**
 * The worker's answer: every result, or the results before the failing item and its
 * error; `computeMs` is the time the worker spent running the items, milliseconds.
 */
export type ChunkResponse =
  | { results: unknown[]; computeMs?: number }
  | { results: unknown[]; computeMs?: number; failedAt: number; error: SerializedError };

/** Turns a thrown value into a `SerializedError`. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const record = error as Error & { code?: unknown; retryable?: unknown };
    const serialized: SerializedError = { name: error.name, message: error.message };
    if (error.stack !== undefined) serialized.stack = error.stack;
    if (record.code !== undefined) serialized.code = record.code;
    if (record.retryable === true) serialized.retryable = true;
    return serialized;
  }
  return { name: 'Error', message: String(error) };
}

/** Rebuilds an `Error` from a `SerializedError` (the worker's error, kept as a job error's `cause`). */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message) as Error & { code?: unknown; retryable?: boolean };
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.code !== undefined) error.code = serialized.code;
  if (serialized.retryable) error.retryable = true;
  return error;
}
