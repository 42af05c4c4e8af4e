import { freemem, loadavg, totalmem } from 'node:os';
import { usableCores } from '@toolbox/monitor';

/** The machine as the toolbox sees it now. */
export interface SystemStatus {
  /** Cores this process may use (cgroup quota and CPU affinity applied). */
  usableCores: number;
  /** Share of RAM in use, 0–100. */
  memoryPercent: number;
  /** 1-minute load average over usable cores, as a percentage. */
  loadPercent: number;
}

export interface Toolbox extends AsyncDisposable {
  getSystemStatus(): SystemStatus;
  /** Releases everything the toolbox created. Calling it twice is harmless. */
  dispose(): Promise<void>;
}

/**
 * Creates a toolbox. For now it reports the machine's status; the executor, cache,
 * advisor and registry are wired in as their packages land.
 */
export function createToolbox(): Toolbox {
  const toolbox: Toolbox = {
    getSystemStatus() {
      const cores = usableCores();
      const total = totalmem();
      return {
        usableCores: cores,
        memoryPercent: (100 * (total - freemem())) / total,
        loadPercent: (100 * (loadavg()[0] ?? 0)) / cores,
      };
    },
    async dispose() {
      // Nothing to release yet: the status reads are synchronous and hold no handles.
    },
    [Symbol.asyncDispose]: () => toolbox.dispose(),
  };
  return toolbox;
}
