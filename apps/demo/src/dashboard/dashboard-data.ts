/** Everything the dashboard shows; the demo fills it as its steps run. */
export interface DashboardData {
  generatedAt: string;
  machine: {
    cpuModel: string;
    usableCores: number;
    memoryLimitBytes: number;
    limits: { maxCpuPercent: number; maxMemoryPercent: number; maxConcurrentHeavy: number };
  };
  /** Per dataset, the cross-validated candidates, best first. */
  leaderboards: {
    dataset: string;
    metric: string;
    rows: { model: string; meanScore: number; stdScore: number; timeMs: number }[];
  }[];
  /** Training loss per epoch (MLP). */
  lossCurves: { name: string; losses: number[] }[];
  confusion?: { dataset: string; labels: string[]; matrix: number[][] };
  roc?: { dataset: string; curves: { label: string; fpr: number[]; tpr: number[]; auc: number }[] };
  featureImportance?: { dataset: string; features: { name: string; importance: number }[] };
  /** The executor's chosen plan against a grid of (workers, chunk size) and serial. */
  plan?: {
    workload: string;
    reason: string;
    serialMs: number;
    chosen: { label: string; ms: number };
    grid: { label: string; ms: number }[];
  };
  /** CPU and memory over the run. */
  resources: { elapsedMs: number; cpuPercent: number; memoryPercent: number }[];
  cache: { tier: string; hits: number; misses: number }[];
  registry: {
    model: string;
    versions: { version: string; stage: string; aliases: string[]; score?: number }[];
  };
}
