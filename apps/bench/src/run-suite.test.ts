import { type BenchCase, defineSuite } from '@toolbox/config/bench';
import { describe, expect, it } from 'vitest';
import { runSuite } from './run-suite.js';

const sampling = { batchMs: 1, warmupMs: 1, rounds: 3, maxCaseMs: 1_000 };
const context = { quick: true };

/** A suite of named cases that counts its set-ups and teardowns. */
function countingSuite(names: string[]) {
  const setUp: string[] = [];
  let teardowns = 0;
  const suite = defineSuite({
    name: 'counting',
    cases: () =>
      names.map((name) => ({
        name,
        setup: () => {
          setUp.push(name);
        },
        baseline: { name: 'a', fn: () => Math.sqrt(2) },
        candidate: { name: 'b', fn: () => Math.sqrt(3) },
      })),
    teardown: () => {
      teardowns++;
    },
  });
  return { suite, setUp, teardowns: () => teardowns };
}

describe('runSuite', () => {
  it('sets up and measures only the cases the filter selects', async () => {
    const { suite, setUp } = countingSuite(['fit iris', 'matmul 512']);
    const run = await runSuite(suite, { context, sampling, pattern: /fit/i });
    expect(setUp).toEqual(['fit iris']);
    expect(run.results.map((result) => result.name)).toEqual(['fit iris']);
  });

  it("never runs a non-matching suite's set-up, but still tears it down", async () => {
    const { suite, setUp, teardowns } = countingSuite(['matmul 512', 'svd 512']);
    const run = await runSuite(suite, { context, sampling, pattern: /no such case/ });
    expect(setUp).toEqual([]);
    expect(run.results).toEqual([]);
    expect(teardowns()).toBe(1);
  });

  it('matches the pattern against "suite / case"', async () => {
    const { suite, setUp } = countingSuite(['x', 'y']);
    await runSuite(suite, { context, sampling, pattern: /^counting \/ y$/ });
    expect(setUp).toEqual(['y']);
  });

  it('reports a case whose setup skips it as not measured, with its target but not its check', async () => {
    let measured = 0;
    const suite = defineSuite({
      name: 'sk',
      cases: () => [
        {
          name: 'vs scikit-learn',
          setup: () => ({ skip: 'scikit-learn not installed' }),
          baseline: { name: 'a', fn: () => measured++ },
          candidate: { name: 'b', fn: () => measured++ },
          target: { minSpeedup: 1, label: 'less time', check: () => ({ met: true, detail: '' }) },
        },
      ],
    });
    const seen: string[] = [];
    const run = await runSuite(suite, { context, sampling, onCase: (outcome) => seen.push(outcome.name) });
    expect(run.results).toEqual([]);
    expect(run.notMeasured).toEqual([
      {
        suite: 'sk',
        name: 'vs scikit-learn',
        reason: 'scikit-learn not installed',
        target: { minSpeedup: 1, label: 'less time' },
      },
    ]);
    expect(seen).toEqual(['vs scikit-learn']);
    expect(measured).toBe(0);
  });

  it('tears down when a setup throws, and rejects a skip without a reason', async () => {
    let teardowns = 0;
    const failing = (setup: NonNullable<BenchCase['setup']>) =>
      defineSuite({
        name: 'failing',
        cases: () => [
          { name: 'c', setup, baseline: { name: 'a', fn: () => 0 }, candidate: { name: 'b', fn: () => 0 } },
        ],
        teardown: () => {
          teardowns++;
        },
      });
    await expect(
      runSuite(
        failing(() => {
          throw new Error('no pool');
        }),
        { context, sampling },
      ),
    ).rejects.toThrow('no pool');
    await expect(
      runSuite(
        failing(() => ({ skip: true })),
        { context, sampling },
      ),
    ).rejects.toThrow('resolved to { skip } with a non-string reason: true');
    expect(teardowns).toBe(2);
  });
});
