import type { DashboardData } from './dashboard-data.js';
import { barChart, escapeXml, heatmap, lineChart, PALETTE } from './svg-charts.js';

export interface RenderOptions {
  /** Adds the script that follows `/events` (server-sent events) and re-renders on updates (`--serve`). */
  live?: boolean;
}

function section(title: string, body: string): string {
  return `<section><h2>${escapeXml(title)}</h2>${body}</section>`;
}

function leaderboardSections(data: DashboardData): string {
  return data.leaderboards
    .map(({ dataset, metric, rows }) =>
      barChart(
        rows.map((row, i) => ({
          label: row.model,
          value: row.meanScore,
          error: row.stdScore,
          colour: i === 0 ? PALETTE[2] : PALETTE[0],
        })),
        { title: `${dataset}: ${metric} (5-fold CV, mean ± std)`, min: 0 },
      ),
    )
    .join('');
}

function planSection(plan: NonNullable<DashboardData['plan']>): string {
  const bars = [
    { label: 'serial', value: plan.serialMs, colour: PALETTE[7] },
    { label: `planned: ${plan.chosen.label}`, value: plan.chosen.ms, colour: PALETTE[2] },
    ...plan.grid.map((point) => ({ label: point.label, value: point.ms, colour: PALETTE[5] })),
  ];
  return `<p>${escapeXml(plan.workload)} — ${escapeXml(plan.reason)}</p>${barChart(bars, { title: 'wall time by plan', unit: 'ms' })}`;
}

function registryTable(registry: DashboardData['registry']): string {
  const rows = registry.versions
    .map(
      (v) =>
        `<tr><td>${escapeXml(v.version)}</td><td>${escapeXml(v.stage)}</td><td>${escapeXml(v.aliases.join(', '))}</td><td>${v.score === undefined ? '' : v.score.toFixed(4)}</td></tr>`,
    )
    .join('');
  return `<table data-table="registry"><caption>${escapeXml(registry.model)}</caption><thead><tr><th>version</th><th>stage</th><th>aliases</th><th>CV score</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The dashboard's sections (what live mode replaces on each update). */
export function renderSections(data: DashboardData): string {
  const parts = [section('Cross-validation leaderboard', leaderboardSections(data))];
  if (data.plan) parts.push(section('Executor plan vs grid', planSection(data.plan)));
  if (data.lossCurves.length > 0) {
    parts.push(
      section(
        'Training loss',
        lineChart(
          data.lossCurves.map((curve) => ({
            name: curve.name,
            points: curve.losses.map((loss, epoch) => [epoch + 1, loss] as const),
          })),
          { title: 'MLP training loss per epoch', xLabel: 'epoch', yLabel: 'loss' },
        ),
      ),
    );
  }
  if (data.confusion) {
    parts.push(
      section(
        'Confusion matrix',
        heatmap(
          data.confusion.matrix,
          data.confusion.labels,
          `${data.confusion.dataset} (cross-validated predictions)`,
        ),
      ),
    );
  }
  if (data.roc) {
    parts.push(
      section(
        'ROC curves',
        lineChart(
          data.roc.curves.map((curve) => ({
            name: `${curve.label} (AUC ${curve.auc.toFixed(3)})`,
            points: curve.fpr.map((fpr, i) => [fpr, curve.tpr[i] ?? 0] as const),
          })),
          {
            title: `${data.roc.dataset}: one-vs-rest ROC`,
            xLabel: 'false positive rate',
            yLabel: 'true positive rate',
            xRange: [0, 1],
            yRange: [0, 1],
            diagonal: true,
            height: 340,
          },
        ),
      ),
    );
  }
  if (data.featureImportance) {
    const top = [...data.featureImportance.features].sort((a, b) => b.importance - a.importance).slice(0, 15);
    parts.push(
      section(
        'Feature importance',
        barChart(
          top.map((feature) => ({ label: feature.name, value: feature.importance })),
          {
            title: `${data.featureImportance.dataset}: random forest impurity importance (top ${top.length})`,
          },
        ),
      ),
    );
  }
  if (data.resources.length > 1) {
    parts.push(
      section(
        'Resources over the run',
        lineChart(
          [
            { name: 'CPU %', points: data.resources.map((r) => [r.elapsedMs / 1000, r.cpuPercent] as const) },
            {
              name: 'memory %',
              points: data.resources.map((r) => [r.elapsedMs / 1000, r.memoryPercent] as const),
            },
          ],
          { title: 'CPU and memory', xLabel: 'seconds', yLabel: 'percent', yRange: [0, 100] },
        ),
      ),
    );
  }
  if (data.cache.length > 0) {
    parts.push(
      section(
        'Cache',
        barChart(
          data.cache.map((tier) => ({
            label: `${tier.tier} (${tier.hits}/${tier.hits + tier.misses})`,
            value: tier.hits + tier.misses === 0 ? 0 : tier.hits / (tier.hits + tier.misses),
          })),
          { title: 'hit rate per tier', min: 0 },
        ),
      ),
    );
  }
  if (data.registry.versions.length > 0) parts.push(section('Model registry', registryTable(data.registry)));
  return parts.join('\n');
}

const LIVE_SCRIPT = `<script>
(() => {
  const events = new EventSource('/events');
  const progress = document.getElementById('progress');
  events.addEventListener('progress', (event) => {
    const step = JSON.parse(event.data);
    progress.textContent = step.message;
  });
  events.addEventListener('update', async () => {
    const response = await fetch('/sections');
    document.getElementById('sections').innerHTML = await response.text();
  });
  events.addEventListener('done', (event) => {
    progress.textContent = 'done: ' + JSON.parse(event.data).message;
    events.close();
  });
})();
</script>`;

/** The whole dashboard as one self-contained HTML file. */
export function renderDashboard(data: DashboardData, options: RenderOptions = {}): string {
  const { machine } = data;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Toolbox dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9}
header{background:#0b3d62;color:#fff;padding:16px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.85}
#progress{font-family:ui-monospace,monospace;font-size:12px;opacity:.9}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));gap:16px;padding:20px 28px}
section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 3px rgba(0,0,0,.08);overflow-x:auto}
section h2{font-size:15px;margin:0 0 8px}svg{display:block;margin:6px 0 14px}
table{border-collapse:collapse}td,th{border-bottom:1px solid #e3e3e3;padding:4px 10px;text-align:left}caption{text-align:left;font-weight:bold;padding-bottom:6px}
</style></head>
<body>
<header><h1>Toolbox dashboard</h1>
<p>${escapeXml(machine.cpuModel)} · ${machine.usableCores} usable cores · ${(machine.memoryLimitBytes / 1024 ** 3).toFixed(1)} GiB limit · governor: CPU ≤ ${machine.limits.maxCpuPercent}%, memory ≤ ${machine.limits.maxMemoryPercent}%, ≤ ${machine.limits.maxConcurrentHeavy} heavy operations · ${escapeXml(data.generatedAt)}</p>
<p id="progress">${options.live ? 'waiting for the pipeline…' : ''}</p></header>
<main id="sections">
${renderSections(data)}
</main>
${options.live ? LIVE_SCRIPT : ''}
</body></html>
`;
}
