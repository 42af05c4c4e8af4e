import type { Job } from './_job.js';

interface SlotWaiter {
  job: Job;
  seq: number;
  grant: () => void;
}

/**
 * Chunk slots shared by the jobs of one executor: at most `capacity` chunks out at once,
 * at most a job's cap per job, highest priority first (then first come).
 */
export class ChunkSlots {
  readonly #capacity: number;
  readonly #jobRunning = new Map<Job, number>();
  readonly #jobCap = new Map<Job, number>();
  readonly #waiting: SlotWaiter[] = [];
  #running = 0;
  #seq = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Chunks `job` may have out at once (1 until set). */
  cap(job: Job): number {
    return this.#jobCap.get(job) ?? 1;
  }

  setCap(job: Job, chunks: number): void {
    this.#jobCap.set(job, chunks);
  }

  /** Forgets a finished job's cap. */
  forget(job: Job): void {
    this.#jobCap.delete(job);
  }

  /** Waits for a slot; rejects with the job's stop error if it stops first. */
  acquire(job: Job): Promise<void> {
    job.throwIfStopped();
    return new Promise<void>((resolve, reject) => {
      const waiter: SlotWaiter = {
        job,
        seq: this.#seq++,
        grant: () => {
          job.signal.removeEventListener('abort', onStop);
          resolve();
        },
      };
      const onStop = () => {
        const position = this.#waiting.indexOf(waiter);
        if (position !== -1) this.#waiting.splice(position, 1);
        reject(job.error);
      };
      job.signal.addEventListener('abort', onStop, { once: true });
      this.#waiting.push(waiter);
      this.#grant();
    });
  }

  release(job: Job): void {
    this.#running--;
    this.#jobRunning.set(job, (this.#jobRunning.get(job) ?? 1) - 1);
    if (this.#jobRunning.get(job) === 0) this.#jobRunning.delete(job);
    this.#grant();
  }

  #grant(): void {
    while (this.#running < this.#capacity) {
      let best = -1;
      for (let k = 0; k < this.#waiting.length; k++) {
        const candidate = this.#waiting[k] as SlotWaiter;
        if ((this.#jobRunning.get(candidate.job) ?? 0) >= (this.#jobCap.get(candidate.job) ?? Infinity))
          continue;
        const current = this.#waiting[best];
        if (
          current === undefined ||
          candidate.job.settings.priority > current.job.settings.priority ||
          (candidate.job.settings.priority === current.job.settings.priority && candidate.seq < current.seq)
        ) {
          best = k;
        }
      }
      if (best === -1) return;
      const [waiter] = this.#waiting.splice(best, 1) as [SlotWaiter];
      this.#running++;
      this.#jobRunning.set(waiter.job, (this.#jobRunning.get(waiter.job) ?? 0) + 1);
      waiter.grant();
    }
  }
}
