import { deserialize, serialize } from 'node:v8';
import type { ChunkResponse } from '../_protocol.js';

/** The queue both sides use unless told otherwise. */
export const DEFAULT_QUEUE_NAME = 'toolbox';

/** BullMQ job data: one chunk for one module export. Items travel as V8-serialized bytes (the pool's structured-clone semantics), base64 in the job's JSON. */
export interface RemoteChunkData {
  module: string;
  export: string;
  /** `encodePayload(items)`; an empty array is a ping. */
  items: string;
  /** Per-item limit, milliseconds, enforced by the worker. */
  itemTimeoutMs?: number;
}

/** The worker's answer (`encodePayload` of this): the pool's `ChunkResponse`, flagged when an item ran out of time. */
export type RemoteChunkResponse = ChunkResponse & { timedOut?: boolean };

export function encodePayload(value: unknown): string {
  return serialize(value).toString('base64');
}

export function decodePayload<T>(text: string): T {
  return deserialize(Buffer.from(text, 'base64')) as T;
}

/** A worker's BullMQ name carries its concurrency, so that clients can count the slots on a queue. */
export function workerName(concurrency: number): string {
  return `toolbox-c${concurrency}`;
}

/** Slots of a connected worker from its client name (`...:w:toolbox-c4`); 1 for workers not started by `startWorker`. */
export function slotsOf(clientName: string | undefined): number {
  const match = /:w:toolbox-c(\d+)$/.exec(clientName ?? '');
  return match === null ? 1 : Math.max(1, Number(match[1]));
}
