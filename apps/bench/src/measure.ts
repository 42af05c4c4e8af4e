import type { BenchCase, BenchFunction } from '@toolbox/config/bench';
import { median, quantile, relativeSpread } from './statistics.js';

export interface SamplingOptions {
  /** Minimum wall time of one timed batch of calls, milliseconds. */
  batchMs: number;
  /** Time spent warming up each side before sampling, milliseconds. */
  warmupMs: number;
  /** Rounds of (baseline batch, candidate batch), in alternating order. */
  rounds: number;
  /** Stop adding rounds once this much time has passed for the case, milliseconds. */
  maxCaseMs: number;
}

export const QUICK_SAMPLING: SamplingOptions = { batchMs: 5, warmupMs: 20, rounds: 9, maxCaseMs: 1_500 };
export const FULL_SAMPLING: SamplingOptions = { batchMs: 25, warmupMs: 200, rounds: 25, maxCaseMs: 15_000 };

export interface SideResult {
  name: string;
  /** Milliseconds per call, one sample per round. */
  samplesMs: number[];
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  /** Median absolute deviation / median. */
  spread: number;
  callsPerBatch: number;
}

export interface CaseResult {
  suite: string;
  name: string;
  baseline: SideResult;
  candidate: SideResult;
  /** Baseline median / candidate median: above 1 means the candidate is faster. */
  speedup: number;
  /** Per-round speedups' 25th and 75th percentiles. */
  speedupP25: number;
  speedupP75: number;
  /** Candidate rate in `work.unit` per second, when the case declares its work. */
  rate?: { perSecond: number; unit: string };
  target?: Omit<NonNullable<BenchCase['target']>, 'check'> & { met: boolean; detail?: string };
}

async function callOnce(fn: () => unknown): Promise<void> {
  const value = fn();
  if (value !== null && typeof (value as Promise<unknown>)?.then === 'function') await value;
}

/** One call of a self-timed side: the milliseconds it reports. */
async function selfTimedCall(side: BenchFunction): Promise<number> {
  const ms = await side.fn();
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(
      `${side.name} is selfTimed, so its fn must resolve to a finite number of milliseconds >= 0, got ${String(ms)}`,
    );
  }
  return ms;
}

/** Times `calls` consecutive calls, milliseconds per call. */
async function timeBatch(side: BenchFunction, calls: number): Promise<number> {
  if (side.selfTimed) {
    let totalMs = 0;
    for (let i = 0; i < calls; i++) totalMs += await selfTimedCall(side);
    return totalMs / calls;
  }
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await callOnce(side.fn);
  return Number(process.hrtime.bigint() - start) / 1e6 / calls;
}

/**
 * Warms a side up and finds how many calls fill one batch of at least `batchMs`. A
 * self-timed side is warmed up the same way but sampled one call per batch: it times
 * itself, so the batch length does not have to beat the runner's clock.
 */
async function calibrate(side: BenchFunction, options: SamplingOptions): Promise<number> {
  const warmupEnd = performance.now() + options.warmupMs;
  if (side.selfTimed) {
    do await timeBatch(side, 1);
    while (performance.now() < warmupEnd);
    return 1;
  }
  let calls = 1;
  for (;;) {
    const batchMs = (await timeBatch(side, calls)) * calls;
    if (batchMs < options.batchMs && calls < 1 << 24) calls *= 2;
    else if (performance.now() >= warmupEnd) return calls;
  }
}

function summarise(name: string, samplesMs: number[], callsPerBatch: number): SideResult {
  return {
    name,
    samplesMs,
    medianMs: median(samplesMs),
    p25Ms: quantile(samplesMs, 0.25),
    p75Ms: quantile(samplesMs, 0.75),
    spread: relativeSpread(samplesMs),
    callsPerBatch,
  };
}

/**
 * Measures a case: both sides warmed up, then rounds of one batch each, alternating
 * which side goes first so that drift in the machine hits both alike.
 */
export async function measureCase(
  suite: string,
  benchCase: BenchCase,
  options: SamplingOptions,
): Promise<CaseResult> {
  const started = performance.now();
  const baselineCalls = await calibrate(benchCase.baseline, options);
  const candidateCalls = await calibrate(benchCase.candidate, options);
  const baselineSamples: number[] = [];
  const candidateSamples: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    if (round >= 3 && performance.now() - started > options.maxCaseMs) break;
    if (round % 2 === 0) {
      baselineSamples.push(await timeBatch(benchCase.baseline, baselineCalls));
      candidateSamples.push(await timeBatch(benchCase.candidate, candidateCalls));
    } else {
      candidateSamples.push(await timeBatch(benchCase.candidate, candidateCalls));
      baselineSamples.push(await timeBatch(benchCase.baseline, baselineCalls));
    }
  }
  const baseline = summarise(benchCase.baseline.name, baselineSamples, baselineCalls);
  const candidate = summarise(benchCase.candidate.name, candidateSamples, candidateCalls);
  const roundSpeedups = baselineSamples.map((ms, i) => ms / (candidateSamples[i] as number));
  const result: CaseResult = {
    suite,
    name: benchCase.name,
    baseline,
    candidate,
    speedup: baseline.medianMs / candidate.medianMs,
    speedupP25: quantile(roundSpeedups, 0.25),
    speedupP75: quantile(roundSpeedups, 0.75),
  };
  if (benchCase.work) {
    result.rate = {
      perSecond: benchCase.work.amount / (candidate.medianMs / 1000),
      unit: benchCase.work.unit,
    };
  }
  if (benchCase.target) {
    const { check, ...target } = benchCase.target;
    const extra = check?.();
    result.target = {
      ...target,
      met: meetsTarget(result, target) && (extra === undefined || extra.met),
      ...(extra === undefined ? {} : { detail: extra.detail }),
    };
  }
  return result;
}

function meetsTarget(result: CaseResult, target: NonNullable<BenchCase['target']>): boolean {
  if (target.minSpeedup !== undefined && !(result.speedup >= target.minSpeedup)) return false;
  if (target.maxMedianMs !== undefined && !(result.candidate.medianMs <= target.maxMedianMs)) return false;
  return true;
}
