import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionPlan, ExecutionRecord, WorkloadProfile } from '@toolbox/contracts';
import { InvalidInputError } from '@toolbox/contracts';
import { describe, expect, it } from 'vitest';
import { quietSnapshot } from './fixtures/snapshot.js';
import { createPlanAdvisor } from './plan-advisor.js';

const FINGERPRINT = 'test-machine';
const DAY_MS = 86_400_000;

const snapshot = quietSnapshot;

function profile(overrides: Partial<WorkloadProfile> = {}): WorkloadProfile {
  return {
    itemCount: 500,
    itemTimeMs: 2,
    itemTimeCv: 0.05,
    inputBytesPerItem: 8,
    outputBytesPerItem: 8,
    serializationMsPerItem: 0.001,
    cpuRatio: 1,
    taskType: 'feature-engineering',
    ...overrides,
  };
}

function plan(overrides: Partial<ExecutionPlan> = {}): ExecutionPlan {
  return {
    mode: 'threads',
    workers: 2,
    chunkSize: 25,
    maxInFlight: 4,
    estimatedSpeedup: 1.9,
    confidence: 1,
    source: 'dry-run',
    reason: 'dry-run',
    warnings: [],
    ...overrides,
  };
}

function record(
  workload: WorkloadProfile,
  ran: ExecutionPlan,
  measuredSpeedup: number,
  finishedAtMs = Date.now(),
): ExecutionRecord {
  return {
    machine: FINGERPRINT,
    profile: workload,
    snapshot,
    plan: ran,
    wallTimeMs: 100,
    measuredSpeedup,
    finishedAtMs,
    ok: true,
  };
}

const memoryOnly = { dir: false as const, fingerprint: FINGERPRINT };

describe('createPlanAdvisor', () => {
  it('treats a run measured a little differently as the same workload (history), not a neighbour', () => {
    const advisor = createPlanAdvisor(memoryOnly);
    advisor.record(record(profile({ itemTimeMs: 2 }), plan(), 1.9));
    // the same job measured 3x slower on a busy machine (a dry-run item preempted)
    expect(advisor.suggest(profile({ itemTimeMs: 6 }), snapshot)?.source).toBe('history');
    // ...or with its thread preempted, so that CPU/wall reads 0.6 instead of 1
    expect(advisor.suggest(profile({ cpuRatio: 0.6 }), snapshot)?.source).toBe('history');
    // ...or 0.3 with four processes on two cores (seen in CI)
    expect(advisor.suggest(profile({ cpuRatio: 0.3 }), snapshot)?.source).toBe('history');
    // ...or both at once, 3x slower at 0.12, with many test processes on two cores (seen in CI)
    expect(advisor.suggest(profile({ itemTimeMs: 6, cpuRatio: 0.12 }), snapshot)?.source).toBe('history');
    // an IO-bound job of the same size is not the same job
    expect(advisor.suggest(profile({ cpuRatio: 0.05 }), snapshot)?.source).not.toBe('history');
    expect(advisor.suggest(profile({ cpuRatio: 0.01 }), snapshot)?.source).not.toBe('history');
    // a job 10x heavier per item is not the same job
    expect(advisor.predictParameters(profile({ itemTimeMs: 20 }), snapshot)).toBeUndefined();
  });

  it('answers the same workload again from history with the best recorded plan', () => {
    const advisor = createPlanAdvisor(memoryOnly);
    expect(advisor.suggest(profile(), snapshot)).toBeUndefined();
    advisor.record(record(profile(), plan({ workers: 1, mode: 'serial', chunkSize: 500 }), 1));
    advisor.record(record(profile(), plan(), 1.92));
    const suggestion = advisor.suggest(profile(), snapshot);
    expect(suggestion).toMatchObject({ source: 'history', mode: 'threads', workers: 2, chunkSize: 25 });
    expect(suggestion!.confidence).toBeGreaterThanOrEqual(0.7);
    expect(suggestion!.reason).toMatch(/ran 2 times.*2 workers x 25 items.*1\.92x/);
    expect(advisor.stats()).toMatchObject({ runs: 2, suggestions: 2, hitRate: 0.5 });
  });

  it('answers a similar workload from consistent neighbours with confidence ≥ 0.7', () => {
    const advisor = createPlanAdvisor(memoryOnly);
    // Neighbours a factor 10 away in item count or item time: none is the same workload
    // as the query (100 items of 2 ms), all are similar.
    for (const [itemCount, itemTimeMs] of [
      [10, 2],
      [1000, 2],
      [100, 0.2],
      [100, 20],
    ] as const) {
      advisor.record(record(profile({ itemCount, itemTimeMs }), plan({ chunkSize: 25 }), 1.9));
    }
    const prediction = advisor.predictParameters(profile({ itemCount: 100, itemTimeMs: 2 }), snapshot);
    expect(prediction?.plan.source).toBe('model');
    expect(prediction!.plan.confidence).toBeGreaterThanOrEqual(0.7);
    const suggestion = advisor.suggest(profile({ itemCount: 100, itemTimeMs: 2 }), snapshot);
    expect(suggestion).toMatchObject({ mode: 'threads', workers: 2, source: 'model' });
    // Chunk size transfers as time per chunk: the neighbours' 5, 50, 50 and 500 ms chunks
    // average (geometrically) to 50 ms, i.e. 25 items of 2 ms.
    expect(suggestion!.chunkSize).toBeGreaterThanOrEqual(24);
    expect(suggestion!.chunkSize).toBeLessThanOrEqual(26);
  });

  it('declines a workload far from everything recorded', () => {
    const advisor = createPlanAdvisor(memoryOnly);
    for (const itemCount of [400, 560, 700]) advisor.record(record(profile({ itemCount }), plan(), 1.9));
    const far = profile({ itemCount: 100_000, itemTimeMs: 0.0002, taskType: 'io', cpuRatio: 0.1 });
    expect(advisor.predictParameters(far, snapshot)!.plan.confidence).toBeLessThan(0.7);
    expect(advisor.suggest(far, snapshot)).toBeUndefined();
  });

  it('needs minSamples runs before the neighbour model answers', () => {
    const advisor = createPlanAdvisor({ ...memoryOnly, minSamples: 3 });
    advisor.record(record(profile({ itemCount: 100 }), plan(), 1.9));
    advisor.record(record(profile({ itemCount: 10_000 }), plan(), 1.9));
    expect(advisor.predictParameters(profile({ itemCount: 1000 }), snapshot)).toBeUndefined();
  });

  it('loses confidence when neighbours disagree', () => {
    const advisor = createPlanAdvisor(memoryOnly);
    advisor.record(record(profile({ itemCount: 10 }), plan({ mode: 'serial', workers: 1 }), 1));
    advisor.record(record(profile({ itemCount: 1000 }), plan({ mode: 'async', workers: 8 }), 1.1));
    advisor.record(record(profile({ itemCount: 100_000 }), plan({ workers: 2 }), 1.3));
    expect(advisor.suggest(profile({ itemCount: 100 }), snapshot)).toBeUndefined();
  });

  it('ignores runs from another machine and failed runs', () => {
    const advisor = createPlanAdvisor(memoryOnly);
    advisor.record({ ...record(profile(), plan(), 1.9), machine: 'elsewhere' });
    advisor.record({ ...record(profile(), plan(), 1.9), ok: false });
    expect(advisor.stats().runs).toBe(0);
  });

  it('keeps at most capacity runs, dropping redundant repeats first', () => {
    const advisor = createPlanAdvisor({ ...memoryOnly, capacity: 3 });
    for (let i = 0; i < 3; i++) advisor.record(record(profile(), plan(), 1.9));
    advisor.record(record(profile({ itemCount: 50_000 }), plan(), 1.5));
    expect(advisor.stats().runs).toBe(3);
    expect(advisor.suggest(profile({ itemCount: 50_000 }), snapshot)?.source).toBe('history');
  });

  it('forgets runs older than maxAgeMs', () => {
    let nowMs = 10 * DAY_MS;
    const advisor = createPlanAdvisor({ ...memoryOnly, now: () => nowMs });
    advisor.record(record(profile(), plan(), 1.9, nowMs));
    nowMs += 8 * DAY_MS;
    advisor.prune();
    expect(advisor.stats().runs).toBe(0);
    expect(advisor.suggest(profile(), snapshot)).toBeUndefined();
  });

  it('measures its own prediction error from the runs of plans it advised', () => {
    const advisor = createPlanAdvisor(memoryOnly);
    advisor.record(record(profile(), plan(), 1.9));
    const advised = advisor.suggest(profile(), snapshot)!;
    advisor.record(record(profile(), advised, 1.7));
    expect(advisor.stats().advisedRunsRecorded).toBe(1);
    expect(advisor.stats().meanAbsoluteSpeedupError).toBeCloseTo(0.2, 10);
  });

  it('validates options by name', () => {
    expect(() => createPlanAdvisor({ ...memoryOnly, k: 0 })).toThrow(InvalidInputError);
    expect(() => createPlanAdvisor({ ...memoryOnly, threshold: 1.5 })).toThrow(/options\.threshold/);
    expect(() => createPlanAdvisor({ ...memoryOnly, capacity: 2.5 })).toThrow(
      /options\.capacity must be a positive integer/,
    );
    expect(() => createPlanAdvisor({ ...memoryOnly, maxAgeMs: 0 })).toThrow(/options\.maxAgeMs/);
  });
});

describe('plan store on disk', () => {
  const tempDir = () => mkdtempSync(join(tmpdir(), 'toolbox-advisor-'));

  it('survives a restart: a new advisor on the same dir answers from history', () => {
    const dir = tempDir();
    const first = createPlanAdvisor({ dir, fingerprint: FINGERPRINT });
    first.record(record(profile(), plan(), 1.9));
    first.dispose();
    expect(first.file).toMatch(new RegExp(`^${dir}/plans-[0-9a-f]{16}\\.json$`));
    const second = createPlanAdvisor({ dir, fingerprint: FINGERPRINT });
    expect(second.suggest(profile(), snapshot)).toMatchObject({ source: 'history', workers: 2 });
  });

  it('starts empty with a warning on a corrupt or truncated file, never throwing', () => {
    const dir = tempDir();
    const writer = createPlanAdvisor({ dir, fingerprint: FINGERPRINT });
    writer.record(record(profile(), plan(), 1.9));
    writer.dispose();
    const file = writer.file!;
    const full = readFileSync(file, 'utf8');
    for (const damaged of [full.slice(0, full.length / 2), 'garbage{', '{"format":"other"}']) {
      writeFileSync(file, damaged);
      const warnings: string[] = [];
      const advisor = createPlanAdvisor({
        dir,
        fingerprint: FINGERPRINT,
        onWarning: (m) => warnings.push(m),
      });
      expect(advisor.stats().runs).toBe(0);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/corrupt.*starting empty/);
      // And it recovers: the next flush writes a valid file again.
      advisor.record(record(profile(), plan(), 1.9));
      advisor.dispose();
      expect(JSON.parse(readFileSync(file, 'utf8')).runs).toHaveLength(1);
    }
  });

  it('merges runs written by another advisor on the same file instead of overwriting them', () => {
    const dir = tempDir();
    const a = createPlanAdvisor({ dir, fingerprint: FINGERPRINT });
    const b = createPlanAdvisor({ dir, fingerprint: FINGERPRINT });
    a.record(record(profile({ itemCount: 100 }), plan(), 1.5));
    b.record(record(profile({ itemCount: 100_000 }), plan(), 1.95));
    a.flush();
    b.flush();
    const fresh = createPlanAdvisor({ dir, fingerprint: FINGERPRINT });
    expect(fresh.stats().runs).toBe(2);
  });

  it('drops expired runs when loading', () => {
    const dir = tempDir();
    let nowMs = 100 * DAY_MS;
    const writer = createPlanAdvisor({ dir, fingerprint: FINGERPRINT, now: () => nowMs });
    writer.record(record(profile(), plan(), 1.9, nowMs));
    writer.dispose();
    nowMs += 8 * DAY_MS;
    expect(createPlanAdvisor({ dir, fingerprint: FINGERPRINT, now: () => nowMs }).stats().runs).toBe(0);
  });

  it('clear() empties memory and the file', () => {
    const dir = tempDir();
    const advisor = createPlanAdvisor({ dir, fingerprint: FINGERPRINT });
    advisor.record(record(profile(), plan(), 1.9));
    advisor.flush();
    advisor.clear();
    expect(advisor.stats().runs).toBe(0);
    expect(createPlanAdvisor({ dir, fingerprint: FINGERPRINT }).stats().runs).toBe(0);
  });
});

describe('plan store shared by two processes', () => {
  it('loses no run when two processes write the same store at once', async () => {
    const { spawn } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'toolbox-advisor-procs-'));
    const script = join(import.meta.dirname, 'fixtures', 'record-runs.ts');
    const runChild = (label: string) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, dir, label, '25'], {
          stdio: 'inherit',
        });
        child.on('error', reject);
        child.on('exit', resolve);
      });
    expect(await Promise.all([runChild('a'), runChild('b')])).toEqual([0, 0]);
    const merged = createPlanAdvisor({ dir, fingerprint: 'shared-machine' });
    expect(merged.stats().runs).toBe(50);
  }, 60_000);
});
