import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import type { ExecutionMode, TaskType } from '@toolbox/contracts';

/** One remembered run, as persisted. */
export interface StoredRun {
  id: string;
  /** Exact-workload key (see `workloadKey`). */
  key: string;
  taskType: TaskType;
  features: number[];
  itemCount: number;
  itemTimeMs: number;
  mode: ExecutionMode;
  workers: number;
  chunkSize: number;
  maxInFlight: number;
  /** Time one chunk took to compute, milliseconds: what transfers between workloads of different sizes. */
  chunkTimeMs: number;
  estimatedSpeedup: number;
  measuredSpeedup: number;
  /** Confidence of the plan that ran (1 for a measured dry-run plan). */
  confidence: number;
  finishedAtMs: number;
}

const FORMAT = 'toolbox-plan-advisor';
const VERSION = 1;
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 2_000;

export interface StoreFileContent {
  fingerprint: string;
  runs: StoredRun[];
}

/**
 * Reads a store file. A missing file is an empty store; a corrupt, truncated or foreign
 * file is an empty store plus a warning (never an exception: a cache must not break
 * the job it serves).
 */
export function readStoreFile(
  path: string,
  fingerprint: string,
  warn: (message: string) => void,
): StoredRun[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      warn(`plan store ${path} is unreadable (${String(error)}); starting empty`);
    return [];
  }
  try {
    const parsed = JSON.parse(text) as {
      format?: unknown;
      version?: unknown;
      fingerprint?: unknown;
      runs?: unknown;
    };
    if (parsed.format !== FORMAT || parsed.version !== VERSION || !Array.isArray(parsed.runs)) {
      throw new Error('not a plan store of this version');
    }
    if (parsed.fingerprint !== fingerprint) throw new Error('recorded on another machine');
    return (parsed.runs as unknown[]).filter(isStoredRun);
  } catch (error) {
    warn(`plan store ${path} is corrupt (${(error as Error).message}); starting empty`);
    return [];
  }
}

function isStoredRun(value: unknown): value is StoredRun {
  if (typeof value !== 'object' || value === null) return false;
  const run = value as Partial<StoredRun>;
  return (
    typeof run.id === 'string' &&
    typeof run.key === 'string' &&
    Array.isArray(run.features) &&
    typeof run.mode === 'string' &&
    Number.isFinite(run.workers) &&
    Number.isFinite(run.chunkSize) &&
    Number.isFinite(run.measuredSpeedup) &&
    Number.isFinite(run.finishedAtMs)
  );
}

/** Writes the whole store: to a temp file, fsync, rename over the old one (never a torn file). */
export function writeStoreFile(path: string, content: StoreFileContent): void {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, JSON.stringify({ format: FORMAT, version: VERSION, ...content }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn` holding `<path>.lock` (created exclusively), so that two processes merging
 * into one store file do not lose each other's runs. A lock older than 10 s is taken as
 * left behind by a crashed process and removed. Returns false when the lock could not
 * be had within 2 s (the caller retries later).
 */
export function withFileLock(path: string, fn: () => void): boolean {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { force: true });
      } catch {
        // the holder released it between our two calls
      }
      if (Date.now() > deadline) return false;
      sleepSync(5 + Math.random() * 10);
    }
  }
  try {
    fn();
    return true;
  } finally {
    rmSync(lock, { force: true });
  }
}
