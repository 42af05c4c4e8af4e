import { cpus, totalmem } from 'node:os';
import {
  type ExecutionPlan,
  type ExecutionRecord,
  type MetricsSink,
  machineFingerprint,
  type PlanAdvisor,
  type SystemSnapshot,
  type WorkloadProfile,
} from '@toolbox/contracts';
import type { Job } from './_job.js';
import type { MapOptions, StreamOptions } from './types.js';

/** A job's plan with what the dry run measured. */
export interface Planned {
  plan: ExecutionPlan;
  profile: WorkloadProfile | undefined;
  /** Mean item time, for the serial estimate. */
  itemMeanMs: number;
  done: number;
}

/**
 * Serial time over wall time. Threads: what the items really took — the dry run's items
 * plus the workers' measured compute time — over the job's wall time (planning and
 * dispatch included). Serial: 1, the work ran as it would without the executor. Async:
 * the dry run's mean item time times the items (waits overlap; no per-item clock).
 */
function measuredSpeedup(planned: Planned, job: Job, itemCount: number, wallTimeMs: number): number {
  const wall = Math.max(wallTimeMs, 1e-6);
  switch (planned.plan.mode) {
    case 'serial':
      return 1;
    case 'threads':
      return (planned.itemMeanMs * planned.done + job.workerComputeMs) / wall;
    default:
      return (planned.itemMeanMs * itemCount) / wall;
  }
}

/** Sends one metrics event; a failing sink is ignored. */
export type Observe = (name: string, durationMs: number, ok: boolean, labels: Record<string, string>) => void;

export interface JobRecordsOptions {
  metrics: MetricsSink | undefined;
  advisor: PlanAdvisor | undefined;
  /** Added to every metrics event. */
  labels: Readonly<Record<string, string>>;
  snapshot: () => SystemSnapshot | undefined;
  cores: () => number;
}

/** Metrics events and execution records (advisor, `onRecord`) of an executor's jobs. */
export class JobRecords {
  readonly #options: JobRecordsOptions;
  #machine: string | undefined;

  constructor(options: JobRecordsOptions) {
    this.#options = options;
  }

  observe(name: string, durationMs: number, ok: boolean, labels: Record<string, string>): void {
    try {
      this.#options.metrics?.observe({
        name,
        durationMs,
        ok,
        labels: { ...this.#options.labels, ...labels },
      });
    } catch {
      // A broken metrics sink must not fail the work it measures.
    }
  }

  record(
    name: string,
    planned: Planned,
    job: Job,
    itemCount: number,
    wallTimeMs: number,
    ok: boolean,
    options: MapOptions | StreamOptions,
  ): void {
    const profile = planned.profile === undefined ? undefined : { ...planned.profile, itemCount };
    this.observe(name, wallTimeMs, ok, { mode: planned.plan.mode, taskType: options.taskType ?? 'generic' });
    const advisor = this.#options.advisor;
    if (profile === undefined || (advisor === undefined && options.onRecord === undefined)) return;
    const record: ExecutionRecord = {
      machine: this.#machineFingerprint(),
      profile,
      snapshot: this.#options.snapshot(),
      plan: planned.plan,
      wallTimeMs,
      measuredSpeedup: measuredSpeedup(planned, job, itemCount, wallTimeMs),
      finishedAtMs: Date.now(),
      ok,
    };
    try {
      advisor?.record(record);
    } catch {
      // The advisor learning nothing from this job must not fail it.
    }
    options.onRecord?.(record);
  }

  #machineFingerprint(): string {
    this.#machine ??= machineFingerprint({
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cores: this.#options.cores(),
      memoryLimitBytes: this.#options.snapshot()?.memoryLimitBytes ?? totalmem(),
      nodeMajor: Number(process.versions.node.split('.')[0]),
    });
    return this.#machine;
  }
}
