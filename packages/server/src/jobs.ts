import { randomUUID } from 'node:crypto';
import { AbortError } from '@toolbox/contracts';
import { ConflictError, DrainingError, NotFoundError, type Problem, toProblem } from './errors.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What `GET /v1/jobs/:id` answers. */
export interface JobView {
  id: string;
  kind: string;
  status: JobStatus;
  progress: { done: number; total: number };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: unknown;
  error?: Problem;
}

/** Runs one job; reports progress; must stop (rejecting) soon after `signal` aborts. */
export type JobWork = (signal: AbortSignal, onProgress: (done: number) => void) => Promise<unknown>;

interface Job {
  view: JobView;
  work: JobWork;
  controller: AbortController;
  settled: Promise<void>;
  settle: () => void;
}

export interface JobRunnerOptions {
  /** Jobs running at once; the rest wait in arrival order. */
  maxConcurrentJobs: number;
  /** Finished jobs kept for `get` (oldest dropped first). */
  maxRetainedJobs: number;
}

const FINISHED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** Batch jobs: a bounded queue, status and progress, cancellation, and a bounded drain for shutdown. */
export class JobRunner {
  readonly #options: JobRunnerOptions;
  readonly #jobs = new Map<string, Job>();
  readonly #queue: Job[] = [];
  #running = 0;
  #draining = false;

  constructor(options: JobRunnerOptions) {
    this.#options = options;
  }

  submit(kind: string, total: number, work: JobWork): JobView {
    if (this.#draining) throw new DrainingError('the server is shutting down and takes no new jobs');
    let settle = () => {};
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const job: Job = {
      view: {
        id: randomUUID(),
        kind,
        status: 'queued',
        progress: { done: 0, total },
        createdAt: new Date().toISOString(),
      },
      work,
      controller: new AbortController(),
      settled,
      settle,
    };
    this.#jobs.set(job.view.id, job);
    this.#queue.push(job);
    this.#pump();
    return { ...job.view };
  }

  get(id: string): JobView {
    const job = this.#jobs.get(id);
    if (job === undefined)
      throw new NotFoundError(`job ${JSON.stringify(id)} does not exist (or has expired)`);
    return { ...job.view, progress: { ...job.view.progress } };
  }

  /** Newest first. */
  list(): JobView[] {
    return [...this.#jobs.values()].reverse().map(({ view }) => ({ ...view, result: undefined }));
  }

  /** Cancels a queued or running job; a finished one is a `ConflictError`. */
  cancel(id: string): JobView {
    const job = this.#jobs.get(id);
    if (job === undefined)
      throw new NotFoundError(`job ${JSON.stringify(id)} does not exist (or has expired)`);
    if (FINISHED.has(job.view.status)) {
      throw new ConflictError(
        `job ${id} has already ${job.view.status === 'cancelled' ? 'been cancelled' : job.view.status}`,
      );
    }
    if (job.view.status === 'queued') {
      this.#queue.splice(this.#queue.indexOf(job), 1);
      this.#finish(job, 'cancelled');
    } else {
      job.controller.abort(new AbortError(`job ${id} was cancelled`));
    }
    return this.get(id);
  }

  /** Jobs queued or running. */
  active(): number {
    return this.#running + this.#queue.length;
  }

  /**
   * Takes no new jobs and waits for the queued and running ones; those not finished
   * after `timeoutMs` are cancelled (and awaited).
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    const pending = [...this.#jobs.values()].filter((job) => !FINISHED.has(job.view.status));
    const all = Promise.all(pending.map((job) => job.settled));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const job of pending) if (!FINISHED.has(job.view.status)) this.cancel(job.view.id);
      await all;
    }
  }

  #pump(): void {
    while (this.#running < this.#options.maxConcurrentJobs && this.#queue.length > 0) {
      const job = this.#queue.shift() as Job;
      this.#running++;
      void this.#run(job);
    }
  }

  async #run(job: Job): Promise<void> {
    job.view.status = 'running';
    job.view.startedAt = new Date().toISOString();
    try {
      const result = await job.work(job.controller.signal, (done) => {
        job.view.progress.done = done;
      });
      job.view.result = result;
      job.view.progress.done = job.view.progress.total;
      this.#finish(job, 'succeeded');
    } catch (error) {
      if (job.controller.signal.aborted) {
        this.#finish(job, 'cancelled');
      } else {
        job.view.error = toProblem(error);
        this.#finish(job, 'failed');
      }
    } finally {
      this.#running--;
      this.#pump();
    }
  }

  #finish(job: Job, status: JobStatus): void {
    job.view.status = status;
    job.view.finishedAt = new Date().toISOString();
    job.settle();
    const finished = [...this.#jobs.values()].filter((entry) => FINISHED.has(entry.view.status));
    for (const old of finished.slice(0, Math.max(0, finished.length - this.#options.maxRetainedJobs))) {
      this.#jobs.delete(old.view.id);
    }
  }
}
