import { describe, expect, it } from 'vitest';
import { renderHtml } from './html-report.js';
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
      cases: [
        result,
        { ...result, name: 'svd 512', target: { ...result.target!, met: false, detail: 'gap 2.0 points' } },
      ],
      notMeasured: [
        {
          suite: 'math',
          name: 'vs numpy',
          reason: 'numpy not installed',
          target: { label: 'as fast as numpy' },
        },
        { suite: 'python', name: 'vs scikit-learn', reason: 'not run with --quick' },
      ],
    });
    expect(markdown).toContain('## math');
    expect(markdown).toContain(
      '| matmul 512 | ml-matrix: 280.00 ms ±5% | toolbox: 20.00 ms ±5% | **14.00×** (13.50–14.50) | 13.40 GFLOP/s | met: ≥ 10× ml-matrix |',
    );
    expect(markdown).toContain(
      '| **14.00×** (13.50–14.50) | 13.40 GFLOP/s | not met: ≥ 10× ml-matrix (gap 2.0 points) |',
    );
    expect(markdown).toContain(
      '| vs numpy | – | – | not measured |  | not measured (numpy not installed): as fast as numpy |',
    );
    expect(markdown).toContain('## python');
    expect(markdown).toContain(
      '| vs scikit-learn | – | – | not measured |  | not measured (not run with --quick) |',
    );
    expect(markdown).toContain('`pnpm bench --quick`');
  });

  it('renders an aligned console table', () => {
    const lines = renderConsoleTable(
      [result],
      [{ suite: 'python', name: 'vs scikit-learn', reason: 'scikit-learn not installed' }],
    ).split('\n');
    expect(lines[3]).toMatch(/^python \/ vs scikit-learn\s+not measured\s+scikit-learn not installed$/);
    expect(lines[0]).toMatch(/^case\s+baseline\s+candidate\s+speedup/);
    expect(lines[2]).toContain('math / matmul 512');
    expect(lines[2]).toContain('14.00x');
  });

  it('lists not-measured cases in the HTML report', () => {
    const html = renderHtml({
      createdAt: '2026-11-23T00:00:00.000Z',
      mode: 'full',
      machine: {
        node: 'v20.20.2',
        platform: 'linux',
        arch: 'x64',
        cpuModel: 'Test CPU',
        logicalCores: 2,
        usableCores: 2,
        totalMemoryBytes: 1024 ** 3,
      },
      cases: [result],
      notMeasured: [
        {
          suite: 'core',
          name: 'fit iris',
          reason: 'scikit-learn not installed',
          target: { label: '±1 point' },
        },
      ],
    });
    expect(html).toContain('<td>fit iris</td><td colspan="5">not measured</td>');
    expect(html).toContain('not measured (scikit-learn not installed): ±1 point');
  });
});
