import { describe, expect, it } from 'vitest';
import type { CaseResult } from './measure.js';
import { renderConsoleTable, renderMarkdown } from './report.js';

const side = (name: string, medianMs: number) => ({
  name,
  samplesMs: [medianMs],
  medianMs,
  p25Ms: medianMs,
  p75Ms: medianMs,
  spread: 0.05,
  callsPerBatch: 1,
});

const result: CaseResult = {
  suite: 'math',
  name: 'matmul 512',
  baseline: side('ml-matrix', 280),
  candidate: side('toolbox', 20),
  speedup: 14,
  speedupP25: 13.5,
  speedupP75: 14.5,
  rate: { perSecond: 13.4e9, unit: 'FLOP' },
  target: { minSpeedup: 10, label: '≥ 10× ml-matrix', met: true },
};

describe('reports', () => {
  it('renders a markdown table with the ratio, rate and verdict', () => {
    const markdown = renderMarkdown({
      createdAt: '2026-11-23T00:00:00.000Z',
      mode: 'quick',
      machine: {
        node: 'v20.20.2',
        platform: 'linux',
        arch: 'x64',
        cpuModel: 'Test CPU',
        logicalCores: 2,
        usableCores: 2,
        totalMemoryBytes: 24 * 1024 ** 3,
      },
      cases: [result, { ...result, name: 'svd 512', target: { ...result.target!, met: false } }],
    });
    expect(markdown).toContain('## math');
    expect(markdown).toContain(
      '| matmul 512 | ml-matrix: 280.00 ms ±5% | toolbox: 20.00 ms ±5% | **14.00×** (13.50–14.50) | 13.40 GFLOP/s | met: ≥ 10× ml-matrix |',
    );
    expect(markdown).toContain('not met: ≥ 10× ml-matrix');
    expect(markdown).toContain('`pnpm bench --quick`');
  });

  it('renders an aligned console table', () => {
    const lines = renderConsoleTable([result]).split('\n');
    expect(lines[0]).toMatch(/^case\s+baseline\s+candidate\s+speedup/);
    expect(lines[2]).toContain('math / matmul 512');
    expect(lines[2]).toContain('14.00x');
  });
});
