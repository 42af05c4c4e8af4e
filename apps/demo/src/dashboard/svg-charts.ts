/**
 * Small SVG chart renderers for the dashboard: no library, no script, no network.
 * Each chart is an `<svg>` whose `data-chart` names its kind and whose
 * `data-series` counts its series (bars count as one series per bar group), so a
 * browser test can check that every chart rendered what it was given.
 */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A categorical palette readable on white and by most colour-blind readers (Okabe–Ito). */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
];

const FONT = 'font-family="system-ui,sans-serif" font-size="11"';

function format(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 0.01) return value.toFixed(3);
  return value.toExponential(1);
}

export interface Bar {
  label: string;
  value: number;
  /** Optional error bar half-width (e.g. the CV standard deviation). */
  error?: number;
  colour?: string;
}

export interface BarChartOptions {
  title: string;
  /** Axis caption for the values. */
  unit?: string;
  width?: number;
  /** Lowest value on the axis; default 0 (or the smallest value when negative). */
  min?: number;
}

/** Horizontal bars, one per item, labelled, with optional error bars. */
export function barChart(bars: readonly Bar[], options: BarChartOptions): string {
  const width = options.width ?? 560;
  const labelWidth = Math.min(240, Math.max(60, ...bars.map((bar) => 12 + bar.label.length * 7)));
  const rowHeight = 22;
  const height = 34 + bars.length * rowHeight + 24;
  const values = bars.map((bar) => bar.value + (bar.error ?? 0));
  const min = options.min ?? Math.min(0, ...bars.map((bar) => bar.value - (bar.error ?? 0)));
  const max = Math.max(min + 1e-12, ...values);
  const plotWidth = width - labelWidth - 70;
  const x = (value: number) => labelWidth + ((value - min) / (max - min)) * plotWidth;
  const rows = bars
    .map((bar, i) => {
      const y = 30 + i * rowHeight;
      const colour = bar.colour ?? PALETTE[0];
      const error =
        bar.error === undefined
          ? ''
          : `<line x1="${x(bar.value - bar.error)}" x2="${x(bar.value + bar.error)}" y1="${y + 8}" y2="${y + 8}" stroke="#333"/>`;
      return (
        `<text x="${labelWidth - 6}" y="${y + 12}" text-anchor="end">${escapeXml(bar.label)}</text>` +
        `<rect class="bar" x="${x(min)}" y="${y}" width="${Math.max(1, x(bar.value) - x(min))}" height="${rowHeight - 6}" fill="${colour}"><title>${escapeXml(bar.label)}: ${format(bar.value)}</title></rect>` +
        error +
        `<text x="${x(bar.value + (bar.error ?? 0)) + 4}" y="${y + 12}">${format(bar.value)}</text>`
      );
    })
    .join('');
  return (
    `<svg data-chart="bar" data-series="${bars.length}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} role="img" aria-label="${escapeXml(options.title)}">` +
    `<text x="0" y="14" font-weight="bold" font-size="13">${escapeXml(options.title)}</text>${rows}` +
    `<text x="${labelWidth}" y="${height - 6}" fill="#666">${format(min)}</text>` +
    `<text x="${labelWidth + plotWidth}" y="${height - 6}" fill="#666" text-anchor="end">${format(max)}${options.unit ? ` ${escapeXml(options.unit)}` : ''}</text></svg>`
  );
}

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  colour?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Fixed axis ranges (e.g. [0, 1] for ROC); default: the data's extent. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /** Draw the y = x diagonal (ROC chance line). */
  diagonal?: boolean;
}

/** One polyline per series, with axes, a legend and optional fixed ranges. */
export function lineChart(series: readonly Series[], options: LineChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 300;
  const margin = { left: 52, right: 12, top: 26, bottom: 40 };
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = options.xRange ?? [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [y0, y1] = options.yRange ?? [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const spanX = x1 - x0 || 1;
  const spanY = y1 - y0 || 1;
  const px = (x: number) => margin.left + ((x - x0) / spanX) * (width - margin.left - margin.right);
  const py = (y: number) =>
    height - margin.bottom - ((y - y0) / spanY) * (height - margin.top - margin.bottom);
  const lines = series
    .map((s, i) => {
      const colour = s.colour ?? PALETTE[i % PALETTE.length];
      const path = s.points
        .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
        .join('');
      return `<path class="series" d="${path}" fill="none" stroke="${colour}" stroke-width="2"><title>${escapeXml(s.name)}</title></path>`;
    })
    .join('');
  const legend = series
    .map((s, i) => {
      const colour = s.colour ?? PALETTE[i % PALETTE.length];
      const y = margin.top + 4 + i * 14;
      return `<rect x="${width - 150}" y="${y - 8}" width="10" height="10" fill="${colour}"/><text x="${width - 136}" y="${y + 1}">${escapeXml(s.name.slice(0, 22))}</text>`;
    })
    .join('');
  const diagonal = options.diagonal
    ? `<line x1="${px(x0)}" y1="${py(y0)}" x2="${px(x1)}" y2="${py(y1)}" stroke="#999" stroke-dasharray="4 3"/>`
    : '';
  const axes =
    `<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="#333"/>` +
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="#333"/>` +
    `<text x="${margin.left}" y="${height - margin.bottom + 14}" fill="#666">${format(x0)}</text>` +
    `<text x="${width - margin.right}" y="${height - margin.bottom + 14}" fill="#666" text-anchor="end">${format(x1)}</text>` +
    `<text x="${margin.left - 4}" y="${height - margin.bottom}" fill="#666" text-anchor="end">${format(y0)}</text>` +
    `<text x="${margin.left - 4}" y="${margin.top + 8}" fill="#666" text-anchor="end">${format(y1)}</text>` +
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>` +
    `<text transform="translate(12 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`;
  return (
    `<svg data-chart="line" data-series="${series.length}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} role="img" aria-label="${escapeXml(options.title)}">` +
    `<text x="0" y="14" font-weight="bold" font-size="13">${escapeXml(options.title)}</text>${axes}${diagonal}${lines}${legend}</svg>`
  );
}

/** A matrix as coloured cells with counts (a confusion matrix: rows true, columns predicted). */
export function heatmap(
  matrix: readonly (readonly number[])[],
  labels: readonly string[],
  title: string,
): string {
  const n = labels.length;
  const cell = Math.max(18, Math.min(72, Math.floor(420 / Math.max(1, n))));
  const left = 70;
  const top = 40;
  const size = Math.max(left + n * cell + 20, 380);
  const max = Math.max(1, ...matrix.flat());
  const cells = matrix
    .map((row, i) =>
      row
        .map((value, j) => {
          const share = value / max;
          const fill = `rgba(0,114,178,${(0.08 + 0.92 * share).toFixed(3)})`;
          const text = share > 0.5 ? '#fff' : '#111';
          return `<rect class="cell" x="${left + j * cell}" y="${top + i * cell}" width="${cell - 1}" height="${cell - 1}" fill="${fill}"><title>true ${escapeXml(labels[i] ?? '')}, predicted ${escapeXml(labels[j] ?? '')}: ${value}</title></rect><text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" fill="${text}">${value}</text>`;
        })
        .join(''),
    )
    .join('');
  const axisLabels = labels
    .map(
      (label, i) =>
        `<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${escapeXml(label)}</text>` +
        `<text x="${left + i * cell + cell / 2}" y="${top - 6}" text-anchor="middle">${escapeXml(label)}</text>`,
    )
    .join('');
  return (
    `<svg data-chart="heatmap" data-series="${n}" width="${size}" height="${top + n * cell + 30}" ${FONT} role="img" aria-label="${escapeXml(title)}">` +
    `<text x="0" y="14" font-weight="bold" font-size="13">${escapeXml(title)}</text>${axisLabels}${cells}` +
    `<text x="${left}" y="${top + n * cell + 20}" fill="#666">rows: true class · columns: predicted class</text></svg>`
  );
}
