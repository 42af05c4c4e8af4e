import type { ExecutionPlan, PlanAdvisor, SystemSnapshot, WorkloadProfile } from '@toolbox/contracts';
import type { ChunkTransport } from './_chunk-transport.js';
import { measureCopyMsPerByte } from './_copy-rate.js';
import { sampleItems } from './_in-process.js';
import type { Job } from './_job.js';
import type { Observe, Planned } from './_job-records.js';
import { loadTask } from './_load-task.js';
import { completePlan, dryRunConfidence } from './_options.js';
import type { ResolvedTask } from './_task.js';
import { positiveInteger } from './_validate.js';
import type { MapOptions, PlanInput, TaskFunction } from './types.js';

export interface JobPlannerOptions {
  transport: Pick<ChunkTransport<unknown>, 'defaultWorkers' | 'decide'>;
  advisor: PlanAdvisor | undefined;
  snapshot: () => SystemSnapshot | undefined;
  observe: Observe;
}

interface StoredSample {
  items: readonly unknown[];
  key: string;
  results: unknown[];
  profile: WorkloadProfile;
  itemMeanMs: number;
}

/**
 * Plans jobs: a dry run of the first items on the calling thread, then the advisor's
 * plan or the backend's decision; loads task modules once for the calling thread.
 */
export class JobPlanner {
  readonly #options: JobPlannerOptions;
  readonly #loaded = new Map<string, Promise<{ fn: TaskFunction; loadMs: number }>>();
  readonly #moduleLoadMs = new Map<string, number>();
  readonly #samples = new WeakMap<ExecutionPlan, StoredSample>();
  #copyMsPerByte: number | undefined;

  constructor(options: JobPlannerOptions) {
    this.#options = options;
  }

  load(resolved: ResolvedTask): Promise<{ fn: TaskFunction; loadMs: number }> {
    if (resolved.fn !== undefined) return loadTask(resolved);
    let loading = this.#loaded.get(resolved.key);
    if (loading === undefined) {
      loading = loadTask(resolved);
      loading.catch(() => this.#loaded.delete(resolved.key));
      this.#loaded.set(resolved.key, loading);
    }
    return loading;
  }

  /** Fills in a caller's plan; a threads plan without `workers` gets the backend's. */
  async complete(job: Job, input: PlanInput, itemCount: number): Promise<ExecutionPlan> {
    const workers = input?.workers ?? (await this.#options.transport.defaultWorkers(job));
    return completePlan(input, workers, itemCount);
  }

  /** Keeps what `plan()` measured, so that `map` given this plan reuses the dry run's results. */
  keep(planned: Planned, resolved: ResolvedTask, items: readonly unknown[], out: unknown[]): void {
    if (planned.profile === undefined) return;
    this.#samples.set(planned.plan, {
      items,
      key: resolved.key,
      results: out.slice(0, planned.done),
      profile: planned.profile,
      itemMeanMs: planned.itemMeanMs,
    });
  }

  /** Measures the first items (their results go to `out`) and decides, or completes the caller's plan. */
  async plan(
    job: Job,
    resolved: ResolvedTask,
    items: readonly unknown[],
    out: unknown[],
    options: MapOptions,
    itemCount: number,
  ): Promise<Planned> {
    const taskType = options.taskType ?? 'generic';
    if (options.plan !== undefined) {
      const stored = this.#samples.get(options.plan as ExecutionPlan);
      const plan = await this.complete(job, options.plan, itemCount);
      if (stored !== undefined && stored.items === items && stored.key === resolved.key) {
        for (let index = 0; index < stored.results.length; index++) out[index] = stored.results[index];
        return { plan, profile: stored.profile, itemMeanMs: stored.itemMeanMs, done: stored.results.length };
      }
      return { plan, profile: undefined, itemMeanMs: Number.NaN, done: 0 };
    }
    const startedMs = performance.now();
    const { fn, loadMs } = await this.load(resolved);
    const sample = await sampleItems(job, fn, items, out, {
      totalItems: itemCount,
      minCount: 3,
      maxCount: positiveInteger(options.maxSampleItems, 'options.maxSampleItems', 16),
      budgetShare: 0.01,
      budgetMs: 20,
      copyMsPerByte: () => {
        this.#copyMsPerByte ??= measureCopyMsPerByte();
        return this.#copyMsPerByte;
      },
    });
    if (resolved.href !== undefined && !this.#moduleLoadMs.has(resolved.key)) {
      this.#moduleLoadMs.set(resolved.key, loadMs);
    }
    const snapshot = this.#options.snapshot();
    const profile: WorkloadProfile = {
      itemCount,
      itemTimeMs: sample.medianMs,
      itemTimeCv: sample.cv,
      inputBytesPerItem: sample.inputBytes,
      outputBytesPerItem: sample.outputBytes,
      serializationMsPerItem: sample.cloneInMs + sample.cloneOutMs,
      cpuRatio: sample.cpuRatio,
      taskType,
    };
    let plan: ExecutionPlan | undefined;
    if (this.#options.advisor !== undefined && snapshot !== undefined && sample.count < itemCount) {
      plan = this.#options.advisor.suggest(profile, snapshot);
      if (plan !== undefined && plan.mode === 'threads' && resolved.href === undefined) plan = undefined;
    }
    if (plan === undefined) {
      const decided = await this.#options.transport.decide({
        job,
        resolved,
        sample,
        itemCount,
        taskType,
        snapshot,
        moduleLoadMs: this.#moduleLoadMs.get(resolved.key),
      });
      plan = { ...decided, source: 'dry-run', confidence: dryRunConfidence(sample) };
    }
    this.#options.observe('executor.plan', performance.now() - startedMs, true, {
      mode: plan.mode,
      source: plan.source,
    });
    return { plan, profile, itemMeanMs: sample.meanMs, done: sample.count };
  }
}
