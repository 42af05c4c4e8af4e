import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('dashboard.html in Chromium', () => {
  it('renders every chart with its series and logs no console error', async () => {
    mkdirSync(outputDir, { recursive: true });
    const file = join(outputDir, 'sample-dashboard.html');
    writeFileSync(file, renderDashboard(sampleDashboard));
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
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.height).toBeGreaterThan(50);
      // a heatmap draws n x n cells for n classes
      expect(chart.drawn).toBe(chart.kind === 'heatmap' ? chart.expected ** 2 : chart.expected);
    }
    await page.screenshot({ path: join(outputDir, 'sample-dashboard.png'), fullPage: true });
    expect(existsSync(join(outputDir, 'sample-dashboard.png'))).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);
});
