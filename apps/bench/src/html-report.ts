import type { CaseResult } from './measure.js';
import { type BenchReport, notMeasuredVerdict } from './report.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const BAR_HEIGHT = 22;
const LABEL_WIDTH = 430;
const CHART_WIDTH = 520;

/** x position of a speedup on a log scale from 0.1x to 10 000x. */
function xOf(speedup: number): number {
  const clamped = Math.min(Math.max(speedup, 0.1), 10_000);
  return LABEL_WIDTH + ((Math.log10(clamped) + 1) / 5) * CHART_WIDTH;
}

function colour(result: CaseResult): string {
  if (result.target) return result.target.met ? '#2e7d32' : '#c62828';
  return result.speedup >= 1 ? '#1565c0' : '#ef6c00';
}

/** One horizontal bar per case on a log axis, with the 1x line and each case's target speedup marked. */
function speedupChart(cases: readonly CaseResult[]): string {
  const height = cases.length * BAR_HEIGHT + 40;
  const ticks = [0.1, 1, 10, 100, 1000, 10_000]
    .map(
      (tick) =>
        `<line x1="${xOf(tick)}" x2="${xOf(tick)}" y1="0" y2="${height - 24}" class="grid"/>` +
        `<text x="${xOf(tick)}" y="${height - 8}" class="tick">${tick}×</text>`,
    )
    .join('');
  const bars = cases
    .map((result, i) => {
      const y = i * BAR_HEIGHT + 4;
      const label = `${result.suite} / ${result.name}`;
      const target = result.target?.minSpeedup;
      return (
        `<g class="bar" data-speedup="${result.speedup}">` +
        `<text x="${LABEL_WIDTH - 8}" y="${y + 14}" class="label">${escapeHtml(label.length > 60 ? `${label.slice(0, 57)}…` : label)}</text>` +
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${Math.max(1, xOf(result.speedup) - LABEL_WIDTH)}" height="${BAR_HEIGHT - 6}" fill="${colour(result)}"><title>${escapeHtml(label)}: ${result.speedup.toFixed(2)}×</title></rect>` +
        `<text x="${xOf(result.speedup) + 4}" y="${y + 13}" class="value">${result.speedup.toFixed(2)}×</text>` +
        (target === undefined
          ? ''
          : `<line x1="${xOf(target)}" x2="${xOf(target)}" y1="${y - 2}" y2="${y + BAR_HEIGHT - 4}" class="target"/>`) +
        '</g>'
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_WIDTH + CHART_WIDTH + 80}" height="${height}" role="img" aria-label="speedup per case">${ticks}<line x1="${xOf(1)}" x2="${xOf(1)}" y1="0" y2="${height - 24}" class="one"/>${bars}</svg>`;
}

/** A self-contained HTML report (inline SVG, no scripts, no network). */
export function renderHtml(report: BenchReport): string {
  const { machine } = report;
  const rows = report.cases
    .map(
      (result) =>
        `<tr><td>${escapeHtml(result.suite)}</td><td>${escapeHtml(result.name)}</td><td>${escapeHtml(result.baseline.name)}</td>` +
        `<td>${result.baseline.medianMs.toPrecision(4)} ms</td><td>${escapeHtml(result.candidate.name)}</td>` +
        `<td>${result.candidate.medianMs.toPrecision(4)} ms</td><td><b>${result.speedup.toFixed(2)}×</b></td>` +
        `<td>${result.target ? `${result.target.met ? '✅ met' : '❌ not met'}: ${escapeHtml(result.target.label)}${result.target.detail === undefined ? '' : ` (${escapeHtml(result.target.detail)})`}` : ''}</td></tr>`,
    )
    .concat(
      report.notMeasured.map(
        (entry) =>
          `<tr><td>${escapeHtml(entry.suite)}</td><td>${escapeHtml(entry.name)}</td><td colspan="5">not measured</td>` +
          `<td>⚪ ${escapeHtml(notMeasuredVerdict(entry))}</td></tr>`,
      ),
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Toolbox benchmarks</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin-top:16px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
.grid{stroke:#eee}.one{stroke:#555;stroke-dasharray:4 3}.target{stroke:#000;stroke-width:2}
.label{text-anchor:end;font-size:12px}.value,.tick{font-size:11px}.tick{text-anchor:middle;fill:#666}
</style></head><body>
<h1>Toolbox benchmarks</h1>
<p>${escapeHtml(report.createdAt)} · ${report.mode} mode · Node ${escapeHtml(machine.node)} · ${escapeHtml(machine.cpuModel)} · ${machine.usableCores} usable cores</p>
<p>Bars: speedup of the candidate over its baseline (log scale; dashed line 1×; black tick: the design's target). Green: target met, red: not met.</p>
${speedupChart(report.cases)}
<table><thead><tr><th>suite</th><th>case</th><th>baseline</th><th>median</th><th>candidate</th><th>median</th><th>speedup</th><th>target</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
