/**
 * The generic worker entry piscina runs: loads a task module once per worker and runs a
 * whole chunk of items through one of its exports, so the per-task cost is paid per chunk.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { type ChunkRequest, type ChunkResponse, serializeError } from './_protocol.js';
import { collectTransferables } from './_transfer.js';

type TaskFunction = (item: unknown) => unknown;

const loaded = new Map<string, Promise<Record<string, unknown>>>();

async function resolveExport(moduleUrl: string, exportName: string): Promise<TaskFunction> {
  let namespace = loaded.get(moduleUrl);
  if (namespace === undefined) {
    namespace = import(moduleUrl) as Promise<Record<string, unknown>>;
    loaded.set(moduleUrl, namespace);
  }
  const fn = (await namespace)[exportName];
  if (typeof fn !== 'function') {
    throw new TypeError(`task module ${moduleUrl} has no function export "${exportName}"`);
  }
  return fn as TaskFunction;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

export default async function runChunk(request: ChunkRequest): Promise<ChunkResponse | unknown> {
  const { items, progress } = request;
  // An empty chunk is the executor's ping: it measures start-up and round trips.
  if (items.length === 0) return { results: [] };
  if (progress !== undefined) progress[1] = Date.now();
  const results: unknown[] = new Array(items.length);
  let fn: TaskFunction;
  try {
    fn = await resolveExport(request.module, request.export);
  } catch (error) {
    return { results: [], failedAt: 0, error: serializeError(error) };
  }
  const startedMs = performance.now();
  for (let index = 0; index < items.length; index++) {
    if (progress !== undefined) {
      progress[1] = Date.now();
      progress[0] = index;
    }
    try {
      let value = fn(items[index]);
      if (isThenable(value)) value = await value;
      results[index] = value;
    } catch (error) {
      results.length = index;
      const computeMs = performance.now() - startedMs;
      return { results, computeMs, failedAt: index, error: serializeError(error) };
    }
  }
  const response: ChunkResponse = { results, computeMs: performance.now() - startedMs };
  if (request.transfer) {
    const buffers = collectTransferables(results);
    if (buffers.length > 0) {
      return move({ [transferableSymbol]: buffers, [valueSymbol]: response } as never);
    }
  }
  return response;
}
