/** Lifecycle stages, in order. */
export type Stage = 'development' | 'staging' | 'production' | 'archived';

export interface OpenRegistryOptions {
  /** Directory holding `registry.db` and the `artifacts/` store; created if missing. */
  dir: string;
  /** How long a write waits for another process's write lock, in milliseconds; default 10 000. */
  busyTimeoutMs?: number;
  /** Largest artifact accepted, in bytes; default 1 GiB. */
  maxArtifactBytes?: number;
  /** Route calls counted in memory before the counters are written to disk; default 1 000. */
  routeCounterFlushEvery?: number;
}

export interface RegisterModelOptions {
  description?: string;
  tags?: Record<string, string>;
}

/**
 * What a version stores: raw bytes (`Uint8Array`), the path of a file to copy in
 * (`string`), or any other JSON-serializable value (stored as UTF-8 JSON).
 */
export type ArtifactInput = Uint8Array | string | unknown;

export interface CreateVersionOptions {
  artifact: ArtifactInput;
  /** Explicit semantic version; default: the next patch after the highest version (the first is `1.0.0`). */
  version?: string;
  /** Which part to increment when `version` is not given; default `'patch'`. */
  bump?: 'major' | 'minor' | 'patch';
  description?: string;
  params?: Record<string, string | number | boolean>;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  /** Where the model came from (a path, URL or job id). */
  source?: string;
  /** The code that produced it (a commit hash or package version). */
  codeVersion?: string;
  /** The experiment run that produced it. */
  runId?: string;
  /** The version it was derived from: a version of the same model, or `{ name, version }`. */
  parentVersion?: string | { name: string; version: string };
  datasetHash?: string;
  /** Registers the model when it does not exist yet; default true. */
  createModel?: boolean;
}

export interface ArtifactInfo {
  sha256: string;
  sizeBytes: number;
  mediaType: 'application/octet-stream' | 'application/json';
}

export interface ModelInfo {
  name: string;
  description: string;
  tags: Record<string, string>;
  /** Alias name -> version. */
  aliases: Record<string, string>;
  latestVersion: string | undefined;
  versionCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface VersionInfo {
  model: string;
  version: string;
  stage: Stage;
  stageUpdatedAt: number;
  artifact: ArtifactInfo;
  description: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  aliases: string[];
  source: string | undefined;
  codeVersion: string | undefined;
  runId: string | undefined;
  parent: { name: string; version: string } | undefined;
  datasetHash: string | undefined;
  createdAt: number;
}

export interface TransitionOptions {
  reason?: string;
  /** When promoting to production, archive the current production version(s); default true. */
  archivePrevious?: boolean;
}

export interface TransitionRecord {
  model: string;
  version: string;
  from: Stage | undefined;
  to: Stage;
  kind: 'create' | 'transition' | 'archive-previous' | 'rollback';
  reason: string;
  at: number;
}

export interface RouteOptions {
  /** Alias -> weight; weights are relative and need not add up to 1. */
  aliases: Record<string, number>;
}

export interface RouteResult {
  variant: string;
  version: string;
}

export interface VariantStats {
  variant: string;
  routed: number;
  outcomes: Record<string, { count: number; mean: number; std: number }>;
}

export interface LineageInfo {
  model: string;
  version: string;
  /** Parent, grandparent, ... (nearest first); stops at a cycle, a missing version or 100 levels. */
  parents: { name: string; version: string }[];
  run: RunInfo | undefined;
  runId: string | undefined;
  datasetHash: string | undefined;
  codeVersion: string | undefined;
  source: string | undefined;
}

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';

export interface ExperimentInfo {
  name: string;
  description: string;
  tags: Record<string, string>;
  createdAt: number;
}

export interface StartRunOptions {
  name?: string;
  params?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
}

export interface RunInfo {
  id: string;
  experiment: string;
  name: string;
  status: RunStatus;
  startTime: number;
  endTime: number | undefined;
  params: Record<string, string>;
  /** Latest value of each metric (highest step, then newest). */
  metrics: Record<string, number>;
  tags: Record<string, string>;
  artifacts: { name: string; sha256: string; sizeBytes: number }[];
}

export interface MetricPoint {
  value: number;
  step: number;
  timestamp: number;
}

export interface PageOptions {
  /** Results per page, 1-1000; default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `page.cursor` for the next page; undefined on the last page. */
  nextCursor: string | undefined;
}

export interface SearchRunsOptions {
  /** Limit to these experiments (names). */
  experiments?: string[];
  /** e.g. `metrics.accuracy > 0.9 and tags.team = "x"`; see the README for the grammar. */
  filter?: string;
  /** e.g. `['metrics.accuracy DESC']`; ties by newest start. */
  orderBy?: string | string[];
  page?: PageOptions;
}

export interface MetricThreshold {
  key: string;
  op: '>' | '>=' | '<' | '<=' | '=';
  value: number;
}

export interface SearchVersionsOptions {
  namePrefix?: string;
  stage?: Stage;
  alias?: string;
  /** Version tags that must all match. */
  tags?: Record<string, string>;
  metric?: MetricThreshold;
  page?: PageOptions;
}

export interface SearchModelsOptions {
  namePrefix?: string;
  /** Model tags that must all match. */
  tags?: Record<string, string>;
  /** Models having a version in this stage. */
  stage?: Stage;
  /** Models having this alias. */
  alias?: string;
  /** Models having a version that meets this threshold. */
  metric?: MetricThreshold;
  page?: PageOptions;
}

export interface GcOptions {
  /** Also remove temp files of interrupted writes older than this, in milliseconds; default 3 600 000. */
  tempMaxAgeMs?: number;
}

export interface GcResult {
  removedArtifacts: number;
  removedBytes: number;
}

export interface CheckResult {
  /** `PRAGMA integrity_check` said `ok`. */
  integrityOk: boolean;
  integrityMessages: string[];
  /** Rows whose artifact file is missing or whose content fails its checksum. */
  badArtifacts: { owner: string; sha256: string; problem: 'missing' | 'corrupt' }[];
  checkedArtifacts: number;
}

export interface ImportResult {
  model: string;
  version: string;
}

/** Experiment tracking (MLflow-style): experiments hold runs with params, metrics over steps, tags and artifacts. */
export interface Experiments {
  createExperiment(
    name: string,
    options?: { description?: string; tags?: Record<string, string> },
  ): ExperimentInfo;
  getExperiment(name: string): ExperimentInfo;
  listExperiments(): ExperimentInfo[];
  /** Starts a run in an existing experiment; its id is 32 hex characters. */
  startRun(experiment: string, options?: StartRunOptions): RunInfo;
  /** Adds or overwrites parameters of a running run. */
  logParams(runId: string, params: Record<string, string | number | boolean>): void;
  setRunTag(runId: string, key: string, value: string): void;
  /** One metric value at `step` (default 0); the run's `metrics` keep the highest step's value. */
  logMetric(
    runId: string,
    key: string,
    value: number,
    step?: number,
    options?: { timestampMs?: number },
  ): void;
  /** Several metrics at one step, in one transaction. */
  logMetrics(runId: string, metrics: Record<string, number>, step?: number): void;
  /** Every logged value of one metric, by step. */
  metricHistory(runId: string, key: string): MetricPoint[];
  /** Stores an artifact (bytes, file path or JSON value) under `name` in the run. */
  logArtifact(runId: string, name: string, artifact: ArtifactInput): { sha256: string; sizeBytes: number };
  /** A run artifact's bytes, verified against their SHA-256. */
  loadRunArtifact(runId: string, name: string): Uint8Array;
  /** Ends a running run; logging to it is refused afterwards. */
  endRun(runId: string, status?: Exclude<RunStatus, 'running'>): RunInfo;
  getRun(runId: string): RunInfo;
  /** Runs matching a filter such as `metrics.accuracy > 0.9 and tags.team = "x"`, ordered and paged. */
  searchRuns(options?: SearchRunsOptions): Page<RunInfo>;
}
