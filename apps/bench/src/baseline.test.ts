import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRegressions, loadBaseline, saveBaseline } from './baseline.js';
import type { CaseResult } from './measure.js';

const result = (name: string, speedup: number) => ({ suite: 's', name, speedup }) as CaseResult;

describe('baseline', () => {
  it('flags only cases below half their committed speedup', () => {
    const regressions = findRegressions([result('a', 4.9), result('b', 5.1), result('new', 0.1)], {
      's / a': 10,
      's / b': 10,
    });
    expect(regressions).toEqual([{ id: 's / a', committed: 10, measured: 4.9 }]);
  });

  it('saves speedups sorted, keeping cases not run this time', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'toolbox-baseline-')), 'baseline.json');
    saveBaseline(path, { 's / old': 3 }, [result('z', 2.34567), result('a', 1)]);
    expect(loadBaseline(path)).toEqual({ 's / a': 1, 's / old': 3, 's / z': 2.346 });
    expect(Object.keys(loadBaseline(path))).toEqual(['s / a', 's / old', 's / z']);
  });

  it('reads a missing file as an empty baseline', () => {
    expect(loadBaseline('/nonexistent/baseline.json')).toEqual({});
  });
});
