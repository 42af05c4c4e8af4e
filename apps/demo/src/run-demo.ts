import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_NAMES, type DatasetName } from '@toolbox/predictor/datasets';
import { startDashboardServer } from './dashboard/dashboard-server.js';
import { renderDashboard } from './dashboard/render-dashboard.js';
import { createReporter } from './pipeline/progress.js';
import { type DemoSummary, runPipeline } from './pipeline/run-pipeline.js';

export interface DemoOptions {
  /** Rows of the generated table; default 50 000. */
  rows: number;
  /** Datasets to fit; default all five. */
  datasets: readonly DatasetName[];
  /** Registry, advisor history, disk cache and dashboard.html; default `.toolbox`. */
  stateDir: string;
  /** Print only the JSON summary. */
  json: boolean;
  /** Print nothing but errors (and the JSON with `json`). */
  quiet: boolean;
  /** Serve the dashboard live on this port (0: any free port); undefined: do not serve. */
  servePort: number | undefined;
  /** stdout is a terminal: progress bars and colours. */
  tty: boolean;
  write: (text: string) => void;
  writeProgress: (text: string) => void;
}

export interface DemoResult {
  summary: DemoSummary;
  dashboardFile: string;
  /** When serving: the URL and a function that stops the server. */
  server?: { url: string; close: () => Promise<void> };
}

/** Removes the demo's state directory (`--clean`). */
export function cleanState(stateDir: string): void {
  rmSync(stateDir, { recursive: true, force: true });
}

export function parseDatasets(list: string | undefined): DatasetName[] {
  if (list === undefined) return [...DATASET_NAMES];
  const names = list.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(DATASET_NAMES as readonly string[]).includes(name)) {
      throw new Error(
        `--datasets: unknown dataset ${JSON.stringify(name)} (known: ${DATASET_NAMES.join(', ')})`,
      );
    }
  }
  return names as DatasetName[];
}

/** Runs the pipeline with progress and a summary, writes dashboard.html, serves it live when asked. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  mkdirSync(options.stateDir, { recursive: true });
  const reporter = createReporter({
    quiet: options.quiet || options.json,
    tty: options.tty,
    write: options.write,
    writeProgress: options.writeProgress,
  });
  const server =
    options.servePort === undefined
      ? undefined
      : await startDashboardServer(
          {
            generatedAt: new Date().toISOString(),
            machine: {
              cpuModel: '…',
              usableCores: 0,
              memoryLimitBytes: 0,
              limits: { maxCpuPercent: 0, maxMemoryPercent: 0, maxConcurrentHeavy: 0 },
            },
            leaderboards: [],
            lossCurves: [],
            resources: [],
            cache: [],
            registry: { model: '', versions: [] },
          },
          { port: options.servePort },
        );
  if (server !== undefined && !options.json) options.write(`dashboard live at ${server.url}\n`);
  const liveReporter =
    server === undefined
      ? reporter
      : {
          ...reporter,
          step(title: string) {
            reporter.step(title);
            server.progress(title);
          },
        };
  try {
    const { summary, dashboard } = await runPipeline({
      rows: options.rows,
      datasets: options.datasets,
      stateDir: options.stateDir,
      reporter: liveReporter,
      onUpdate: server === undefined ? undefined : (data) => server.update(data),
    });
    const dashboardFile = join(options.stateDir, 'dashboard.html');
    writeFileSync(dashboardFile, renderDashboard(dashboard));
    if (options.json) {
      options.write(`${JSON.stringify({ ...summary, dashboardFile }, null, 2)}\n`);
    } else if (!options.quiet) {
      options.write(`\ndone in ${(summary.totalMs / 1000).toFixed(1)} s; dashboard: ${dashboardFile}\n`);
    }
    server?.done({ message: `finished in ${(summary.totalMs / 1000).toFixed(1)} s`, summary });
    return {
      summary,
      dashboardFile,
      server: server === undefined ? undefined : { url: server.url, close: () => server.close() },
    };
  } catch (error) {
    await server?.close();
    throw error;
  }
}
