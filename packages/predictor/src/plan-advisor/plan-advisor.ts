import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  type ExecutionMode,
  type ExecutionPlan,
  type ExecutionRecord,
  InvalidInputError,
  type PlanAdvisor,
  type SystemSnapshot,
  type TaskType,
  type WorkloadProfile,
} from '@toolbox/contracts';
import { insertNearest } from '../_nearest.js';
import { currentMachineFingerprint } from './machine-fingerprint.js';
import { readStoreFile, type StoredRun, withFileLock, writeStoreFile } from './plan-store-file.js';
import { FEATURE_COUNT, featureDistance, workloadFeatures, workloadKey } from './workload-features.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Mean neighbour distance at which proximity reaches 0 (features are in [0, 1]). */
const PROXIMITY_RADIUS = 0.5;
/**
 * A remembered workload this close counts as the same job again (answered from history):
 * about a factor 5 in item count or per-item time. A loaded machine measures one job's
 * per-item time up to ~3x differently from run to run (a dry-run item preempted), and
 * the recorded plan's chunk size is rescaled by time per chunk anyway.
 */
const SAME_WORKLOAD_DISTANCE = 0.1;

export interface PlanAdvisorOptions {
  /**
   * Directory of the store file `plans-<fingerprint>.json`; default
   * `$XDG_CACHE_HOME/toolbox` or `~/.cache/toolbox`. `false` keeps the history in memory only.
   */
  dir?: string | false;
  /** Most runs kept; default 10 000. */
  capacity?: number;
  /** Runs older than this are forgotten, milliseconds; default 7 days. */
  maxAgeMs?: number;
  /** Neighbours consulted; default 5. */
  k?: number;
  /** Runs needed before the neighbour model answers; default 3. */
  minSamples?: number;
  /** Confidence below which `suggest` declines, 0–1; default 0.7. */
  threshold?: number;
  /** Machine fingerprint (contracts' `machineFingerprint`); default this machine's, from `node:os`. */
  fingerprint?: string;
  /** Delay before a recorded run is written to disk, milliseconds; default 500. */
  persistDelayMs?: number;
  /** Clock in milliseconds; default `Date.now`. */
  now?: () => number;
  /** Receives warnings (a corrupt store file); default `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/** A prediction with its evidence, whatever its confidence. */
export interface PlanPrediction {
  plan: ExecutionPlan;
  /** Runs the prediction rests on. */
  neighbours: number;
}

export interface PlanAdvisorStats {
  /** Runs remembered. */
  runs: number;
  /** Calls to `suggest`. */
  suggestions: number;
  /** Share of `suggest` calls answered with a plan. */
  hitRate: number;
  /** Mean confidence of the plans given. */
  meanConfidence: number;
  /** Mean |estimated − measured speedup| over recorded runs of advised plans (NaN before any). */
  meanAbsoluteSpeedupError: number;
  /** Runs of advised plans that came back. */
  advisedRunsRecorded: number;
}

export interface LearnedPlanAdvisor extends PlanAdvisor, Disposable {
  readonly fingerprint: string;
  /** The store file, or `undefined` when in memory only. */
  readonly file: string | undefined;
  /** The plan the history points to, with its confidence, even below the threshold; `undefined` with too little history. */
  predictParameters(profile: WorkloadProfile, snapshot: SystemSnapshot): PlanPrediction | undefined;
  stats(): PlanAdvisorStats;
  /** Drops expired runs, then the most redundant and least confident beyond `capacity`. */
  prune(): void;
  /** Forgets every run (and empties the store file). */
  clear(): void;
  /** Writes pending runs now, merging with runs other processes wrote meanwhile. */
  flush(): void;
  /** Flushes and stops the write timer. */
  dispose(): void;
}

interface Group {
  key: string;
  taskType: TaskType;
  runs: StoredRun[];
  best: StoredRun;
}

function defaultDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'toolbox');
}

function checkPositiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidInputError(`options.${name} must be a positive integer, got ${value}`, {
      details: { argument: `options.${name}`, value },
    });
  }
  return value;
}

function checkUnit(value: number, name: string): number {
  if (!(value >= 0 && value <= 1)) {
    throw new InvalidInputError(`options.${name} must be between 0 and 1, got ${value}`, {
      details: { argument: `options.${name}`, value },
    });
  }
  return value;
}

function formatSpeedup(value: number): string {
  return `${value.toFixed(2)}x`;
}

function describePlan(run: Pick<StoredRun, 'mode' | 'workers' | 'chunkSize'>): string {
  if (run.mode === 'serial') return 'serial';
  if (run.mode === 'async') return `async with ${run.workers} in flight`;
  return `${run.workers} workers x ${run.chunkSize} items per chunk`;
}

/**
 * The plan advisor that learns from every run (seeds 002 and 004): remembers each
 * finished job's workload and outcome, answers the same job again from history, and a
 * similar job from its nearest neighbours (k-NN with inverse-distance weights over
 * normalised features), with confidence = 0.5 proximity + 0.2 sample size + 0.3
 * consistency. Below `threshold` it declines and the executor measures.
 */
export function createPlanAdvisor(options: PlanAdvisorOptions = {}): LearnedPlanAdvisor {
  const capacity = checkPositiveInteger(options.capacity ?? 10_000, 'capacity');
  const k = checkPositiveInteger(options.k ?? 5, 'k');
  const minSamples = checkPositiveInteger(options.minSamples ?? 3, 'minSamples');
  const threshold = checkUnit(options.threshold ?? 0.7, 'threshold');
  const maxAgeMs = options.maxAgeMs ?? 7 * DAY_MS;
  if (!(maxAgeMs > 0)) {
    throw new InvalidInputError(
      `options.maxAgeMs must be a positive number of milliseconds, got ${maxAgeMs}`,
      {
        details: { argument: 'options.maxAgeMs', value: maxAgeMs },
      },
    );
  }
  const persistDelayMs = options.persistDelayMs ?? 500;
  const now = options.now ?? Date.now;
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, 'ToolboxWarning'));
  const fingerprint = options.fingerprint ?? currentMachineFingerprint();
  const dir = options.dir === undefined ? defaultDir() : options.dir;
  // The fingerprint is readable text; the file name carries a short hash of it.
  const fileId = createHash('sha256').update(fingerprint).digest('hex').slice(0, 16);
  const file = dir === false ? undefined : join(dir, `plans-${fileId}.json`);

  let runs: StoredRun[] = [];
  let groups = new Map<string, Group>();
  let groupList: Group[] = [];
  /** Groups of each task type with their features packed row by row, for the neighbour scan. */
  let byTaskType = new Map<TaskType, { groups: Group[]; features: Float64Array }>();
  let indexDirty = true;
  let writeTimer: NodeJS.Timeout | undefined;
  let pendingWrite = false;
  const counters = { suggestions: 0, answered: 0, confidenceSum: 0, errorSum: 0, advisedRecorded: 0 };

  function expireAndBound(list: StoredRun[]): StoredRun[] {
    const cutoff = now() - maxAgeMs;
    let kept = list.filter((run) => run.finishedAtMs >= cutoff);
    if (kept.length <= capacity) return kept;
    // Over capacity: drop first the runs that add least — older repeats of a workload
    // already remembered, then the least confident, then the oldest.
    const perKey = new Map<string, number>();
    for (const run of kept) perKey.set(run.key, (perKey.get(run.key) ?? 0) + 1);
    const ranked = [...kept].sort((a, b) => {
      const redundantA = (perKey.get(a.key) ?? 1) > 1 ? 1 : 0;
      const redundantB = (perKey.get(b.key) ?? 1) > 1 ? 1 : 0;
      return redundantB - redundantA || a.confidence - b.confidence || a.finishedAtMs - b.finishedAtMs;
    });
    const drop = new Set(ranked.slice(0, kept.length - capacity).map((run) => run.id));
    kept = kept.filter((run) => !drop.has(run.id));
    return kept;
  }

  function rebuildIndex(): void {
    groups = new Map();
    for (const run of runs) {
      const group = groups.get(run.key);
      if (group === undefined)
        groups.set(run.key, { key: run.key, taskType: run.taskType, runs: [run], best: run });
      else {
        group.runs.push(run);
        if (run.measuredSpeedup > group.best.measuredSpeedup) group.best = run;
      }
    }
    groupList = [...groups.values()];
    byTaskType = new Map();
    for (const group of groupList) {
      const bucket = byTaskType.get(group.taskType);
      if (bucket === undefined)
        byTaskType.set(group.taskType, { groups: [group], features: new Float64Array(0) });
      else bucket.groups.push(group);
    }
    for (const bucket of byTaskType.values()) {
      bucket.features = new Float64Array(bucket.groups.length * FEATURE_COUNT);
      bucket.groups.forEach((group, g) => {
        bucket.features.set(group.best.features.slice(0, FEATURE_COUNT), g * FEATURE_COUNT);
      });
    }
    indexDirty = false;
  }

  function confidenceOf(proximity: number, runCount: number, consistency: number): number {
    const sample = Math.min(1, runCount / (2 * k));
    return 0.5 * proximity + 0.2 * sample + 0.3 * consistency;
  }

  function planFrom(
    run: Pick<StoredRun, 'mode' | 'workers' | 'maxInFlight' | 'estimatedSpeedup'> & { chunkTimeMs: number },
    profile: WorkloadProfile,
    snapshot: SystemSnapshot,
    fields: { source: 'history' | 'model'; confidence: number; estimatedSpeedup: number; reason: string },
  ): ExecutionPlan {
    const workers =
      run.mode === 'threads'
        ? Math.max(1, Math.min(run.workers, snapshot.usableCores))
        : Math.max(1, run.workers);
    const itemTimeMs = Math.max(profile.itemTimeMs, 1e-6);
    const chunkSize =
      run.mode === 'serial'
        ? Math.max(1, profile.itemCount)
        : Math.max(
            1,
            Math.min(Math.round(run.chunkTimeMs / itemTimeMs), Math.ceil(profile.itemCount / workers)),
          );
    return {
      mode: run.mode,
      workers: run.mode === 'serial' ? 1 : workers,
      chunkSize,
      maxInFlight: Math.max(1, run.maxInFlight),
      estimatedSpeedup: fields.estimatedSpeedup,
      confidence: fields.confidence,
      source: fields.source,
      reason: fields.reason,
      warnings: [],
    };
  }

  function fromHistory(group: Group, profile: WorkloadProfile, snapshot: SystemSnapshot): ExecutionPlan {
    const speedups = group.runs.map((run) => run.measuredSpeedup);
    const mean = speedups.reduce((sum, value) => sum + value, 0) / speedups.length;
    const spread = Math.sqrt(speedups.reduce((sum, value) => sum + (value - mean) ** 2, 0) / speedups.length);
    const consistency = mean > 0 ? Math.max(0, 1 - spread / mean) : 0;
    const confidence = confidenceOf(1, Math.max(group.runs.length, minSamples), consistency);
    const best = group.best;
    return planFrom(best, profile, snapshot, {
      source: 'history',
      confidence,
      estimatedSpeedup: best.measuredSpeedup,
      reason: `history: this workload ran ${group.runs.length} time${group.runs.length === 1 ? '' : 's'}; the best plan, ${describePlan(best)}, measured ${formatSpeedup(best.measuredSpeedup)} serial speed`,
    });
  }

  /**
   * The `count` nearest groups (runs with one `workloadKey` form a group, represented by its best run). Workloads of another task type are at least
   * TASK_TYPE_DISTANCE away, beyond the proximity radius, so they are scanned only
   * when the same task type has fewer than `count` groups. The scan compares squared
   * distances and stops summing a candidate once it is past the current k-th best.
   */
  function nearestGroups(
    features: Float64Array,
    taskType: TaskType,
    count: number,
  ): { distance: number; group: Group }[] {
    const bucket = byTaskType.get(taskType);
    if (bucket === undefined || bucket.groups.length < count) {
      return groupList
        .map((group) => ({
          distance: featureDistance(features, taskType, group.best.features, group.taskType),
          group,
        }))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, count);
    }
    const bestSquared = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
    const bestIndex = new Int32Array(count).fill(-1);
    const packed = bucket.features;
    for (let g = 0, offset = 0; g < bucket.groups.length; g++, offset += FEATURE_COUNT) {
      const limit = bestSquared[count - 1] as number;
      let sum = 0;
      for (let f = 0; f < FEATURE_COUNT && sum < limit; f++) {
        const delta = (features[f] as number) - (packed[offset + f] as number);
        sum += delta * delta;
      }
      if (sum >= limit) continue;
      insertNearest(bestSquared, bestIndex, count - 1, sum, g);
    }
    return Array.from(bestIndex, (g, i) => ({
      distance: Math.sqrt(bestSquared[i] as number),
      group: bucket.groups[g] as Group,
    }));
  }

  function fromNeighbours(
    features: Float64Array,
    profile: WorkloadProfile,
    snapshot: SystemSnapshot,
  ): PlanPrediction | undefined {
    if (runs.length < minSamples) return undefined;
    const nearest = nearestGroups(features, profile.taskType, Math.min(k, groupList.length));
    const weights = nearest.map(({ distance }) => 1 / (distance + 1e-6));
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    const modeWeight = new Map<ExecutionMode, number>();
    nearest.forEach(({ group }, i) => {
      modeWeight.set(group.best.mode, (modeWeight.get(group.best.mode) ?? 0) + (weights[i] as number));
    });
    const [mode, winningWeight] = [...modeWeight.entries()].sort((a, b) => b[1] - a[1])[0] as [
      ExecutionMode,
      number,
    ];
    let wSum = 0;
    let workers = 0;
    let logChunkMs = 0;
    let inFlightPerWorker = 0;
    let speedup = 0;
    nearest.forEach(({ group }, i) => {
      if (group.best.mode !== mode) return;
      const weight = weights[i] as number;
      const best = group.best;
      wSum += weight;
      workers += weight * best.workers;
      logChunkMs += weight * Math.log(Math.max(best.chunkTimeMs, 1e-6));
      inFlightPerWorker += weight * (best.maxInFlight / Math.max(1, best.workers));
      speedup += weight * best.measuredSpeedup;
    });
    workers /= wSum;
    let workerSpread = 0;
    nearest.forEach(({ group }, i) => {
      if (group.best.mode === mode)
        workerSpread += (weights[i] as number) * (group.best.workers - workers) ** 2;
    });
    const workersCv = workers > 0 ? Math.sqrt(workerSpread / wSum) / workers : 0;
    const meanDistance =
      nearest.reduce((sum, { distance }, i) => sum + distance * (weights[i] as number), 0) / totalWeight;
    const proximity = Math.max(0, 1 - meanDistance / PROXIMITY_RADIUS);
    const consistency = (winningWeight / totalWeight) * Math.max(0, 1 - workersCv);
    const runCount = nearest.reduce((sum, { group }) => sum + group.runs.length, 0);
    const confidence = confidenceOf(proximity, runCount, consistency);
    const roundedWorkers = Math.max(1, Math.round(workers));
    const plan = planFrom(
      {
        mode,
        workers: roundedWorkers,
        maxInFlight: Math.max(1, Math.round((inFlightPerWorker / wSum) * roundedWorkers)),
        estimatedSpeedup: speedup / wSum,
        chunkTimeMs: Math.exp(logChunkMs / wSum),
      },
      profile,
      snapshot,
      {
        source: 'model',
        confidence,
        estimatedSpeedup: speedup / wSum,
        reason: `model: ${nearest.length} similar past workloads (mean distance ${meanDistance.toFixed(3)}) ran best as ${mode}; confidence ${confidence.toFixed(2)}`,
      },
    );
    return { plan, neighbours: runCount };
  }

  function predict(profile: WorkloadProfile, snapshot: SystemSnapshot): PlanPrediction | undefined {
    if (indexDirty) rebuildIndex();
    if (groupList.length === 0) return undefined;
    const features = workloadFeatures(profile, snapshot);
    const [nearest] = nearestGroups(features, profile.taskType, 1);
    if (
      nearest !== undefined &&
      nearest.distance <= SAME_WORKLOAD_DISTANCE &&
      nearest.group.taskType === profile.taskType
    ) {
      return { plan: fromHistory(nearest.group, profile, snapshot), neighbours: nearest.group.runs.length };
    }
    return fromNeighbours(features, profile, snapshot);
  }

  function scheduleWrite(): void {
    if (file === undefined) return;
    pendingWrite = true;
    if (writeTimer !== undefined) return;
    writeTimer = setTimeout(() => {
      writeTimer = undefined;
      advisor.flush();
    }, persistDelayMs);
    writeTimer.unref();
  }

  if (file !== undefined) {
    runs = expireAndBound(readStoreFile(file, fingerprint, warn));
  }

  const advisor: LearnedPlanAdvisor = {
    fingerprint,
    file,

    suggest(profile, snapshot) {
      counters.suggestions++;
      const prediction = predict(profile, snapshot);
      if (prediction === undefined || prediction.plan.confidence < threshold) return undefined;
      counters.answered++;
      counters.confidenceSum += prediction.plan.confidence;
      return prediction.plan;
    },

    predictParameters: predict,

    record(execution: ExecutionRecord) {
      if (execution.machine !== fingerprint || !execution.ok) return;
      if (!(execution.measuredSpeedup > 0) || !Number.isFinite(execution.measuredSpeedup)) return;
      const { profile, plan } = execution;
      const snapshot: SystemSnapshot = execution.snapshot ?? {
        timeMs: execution.finishedAtMs,
        usableCores: Math.max(1, plan.workers),
        cpuPercent: Number.NaN,
        processCpuPercent: Number.NaN,
        memoryUsedBytes: 0,
        memoryAvailableBytes: 8 * 1024 ** 3,
        memoryLimitBytes: 8 * 1024 ** 3,
        memoryPercent: 0,
        loadAverage: [0, 0, 0],
        eventLoopLagMs: 0,
      };
      if (plan.source === 'history' || plan.source === 'model') {
        counters.advisedRecorded++;
        counters.errorSum += Math.abs(plan.estimatedSpeedup - execution.measuredSpeedup);
      }
      runs.push({
        id: randomUUID(),
        key: workloadKey(profile, snapshot),
        taskType: profile.taskType,
        features: Array.from(workloadFeatures(profile, snapshot)),
        itemCount: profile.itemCount,
        itemTimeMs: profile.itemTimeMs,
        mode: plan.mode,
        workers: plan.workers,
        chunkSize: plan.chunkSize,
        maxInFlight: plan.maxInFlight,
        chunkTimeMs: plan.chunkSize * profile.itemTimeMs,
        estimatedSpeedup: plan.estimatedSpeedup,
        measuredSpeedup: execution.measuredSpeedup,
        confidence: plan.source === 'dry-run' || plan.source === 'user' ? 1 : plan.confidence,
        finishedAtMs: execution.finishedAtMs,
      });
      if (runs.length > capacity) runs = expireAndBound(runs);
      indexDirty = true;
      scheduleWrite();
    },

    stats() {
      return {
        runs: runs.length,
        suggestions: counters.suggestions,
        hitRate: counters.suggestions === 0 ? 0 : counters.answered / counters.suggestions,
        meanConfidence: counters.answered === 0 ? 0 : counters.confidenceSum / counters.answered,
        meanAbsoluteSpeedupError:
          counters.advisedRecorded === 0 ? Number.NaN : counters.errorSum / counters.advisedRecorded,
        advisedRunsRecorded: counters.advisedRecorded,
      };
    },

    prune() {
      runs = expireAndBound(runs);
      indexDirty = true;
      scheduleWrite();
    },

    clear() {
      runs = [];
      indexDirty = true;
      if (file !== undefined) {
        mkdirSync(dir as string, { recursive: true });
        withFileLock(file, () => writeStoreFile(file, { fingerprint, runs: [] }));
      }
      pendingWrite = false;
    },

    flush() {
      if (file === undefined || !pendingWrite) return;
      mkdirSync(dir as string, { recursive: true });
      const merged = withFileLock(file, () => {
        // Merge with what other processes wrote since we loaded, so no one's runs are lost.
        const onDisk = readStoreFile(file, fingerprint, warn);
        const known = new Set(runs.map((run) => run.id));
        runs = expireAndBound([...onDisk.filter((run) => !known.has(run.id)), ...runs]);
        writeStoreFile(file, { fingerprint, runs });
      });
      if (merged) {
        pendingWrite = false;
        indexDirty = true;
      } else scheduleWrite();
    },

    dispose() {
      advisor.flush();
      // A flush that could not take the lock re-arms the timer; a disposed advisor keeps none.
      if (writeTimer !== undefined) clearTimeout(writeTimer);
      writeTimer = undefined;
    },

    [Symbol.dispose]() {
      advisor.dispose();
    },
  };
  return advisor;
}
