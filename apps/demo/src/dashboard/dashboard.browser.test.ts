import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../run-demo.js';
import { sampleDashboard } from './fixtures/sample-dashboard.js';
import { renderDashboard } from './render-dashboard.js';

const CHROMIUM = '/usr/bin/chromium';
/** Ignored output folder: screenshots land here as CI artifacts. */
const outputDir = resolve(import.meta.dirname, '..', '..', '.output');

let browser: Awaited<ReturnType<typeof chromium.launch>>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (.ci/run does)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  mkdirSync(outputDir, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

interface RenderedChart {
  kind: string | null;
  expected: number;
  drawn: number;
  width: number;
  height: number;
}

/** Opens `file` in Chromium: every chart's drawn marks, console errors, and a full-page screenshot. */
async function inspect(
  file: string,
  screenshot: string,
): Promise<{ charts: RenderedChart[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(file).href);
  const charts = await page.$$eval('svg[data-chart]', (svgs) =>
    svgs.map((svg) => {
      const kind = svg.getAttribute('data-chart');
      const selector = kind === 'bar' ? 'rect.bar' : kind === 'line' ? 'path.series' : 'rect.cell';
      const box = svg.getBoundingClientRect();
      return {
        kind,
        expected: Number(svg.getAttribute('data-series')),
        drawn: svg.querySelectorAll(selector).length,
        width: box.width,
        height: box.height,
      };
    }),
  );
  await page.screenshot({ path: join(outputDir, screenshot), fullPage: true });
  await page.close();
  return { charts, errors };
}

function expectDrawn(charts: RenderedChart[]): void {
  for (const chart of charts) {
    expect(chart.width).toBeGreaterThan(100);
    expect(chart.height).toBeGreaterThan(50);
    expect(chart.expected).toBeGreaterThan(0);
    // a heatmap draws n x n cells for n classes
    expect(chart.drawn).toBe(chart.kind === 'heatmap' ? chart.expected ** 2 : chart.expected);
  }
}

describe('dashboard.html in Chromium', () => {
  it("renders every chart of the demo's own dashboard, with no console error", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'toolbox-demo-dashboard-'));
    const { dashboardFile } = await runDemo({
      rows: 3000,
      datasets: ['iris', 'wine'],
      stateDir,
      json: false,
      quiet: true,
      servePort: undefined,
      tty: false,
      write: () => {},
      writeProgress: () => {},
    });
    const { charts, errors } = await inspect(dashboardFile, 'dashboard.png');
    // leaderboards (2), plan vs grid, loss, confusion, ROC, importance, resources, cache
    expect(charts.map((chart) => chart.kind)).toEqual([
      'bar',
      'bar',
      'bar',
      'line',
      'heatmap',
      'line',
      'bar',
      'line',
      'bar',
    ]);
    expect(charts[3]?.expected).toBe(1); // one loss curve
    expect(charts[5]?.expected).toBe(2); // ROC: one curve per class of breast cancer
    expect(charts[7]?.expected).toBe(2); // CPU and memory
    expectDrawn(charts);
    expect(existsSync(join(outputDir, 'dashboard.png'))).toBe(true);
    copyFileSync(dashboardFile, join(outputDir, 'dashboard.html'));
    expect(errors).toEqual([]);
  }, 180_000);

  it('renders the complete sample dashboard (every section filled)', async () => {
    const file = join(outputDir, 'sample-dashboard.html');
    writeFileSync(file, renderDashboard(sampleDashboard));
    const { charts, errors } = await inspect(file, 'sample-dashboard.png');
    expect(charts.map((chart) => chart.kind)).toEqual([
      'bar',
      'bar',
      'line',
      'heatmap',
      'line',
      'bar',
      'line',
      'bar',
    ]);
    expectDrawn(charts);
    expect(errors).toEqual([]);
  }, 60_000);
});
