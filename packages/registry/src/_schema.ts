/**
 * Schema migrations, applied in order. Never edit a shipped migration: append a new
 * one. `schema_migrations` records which ones a database has.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE model_tags (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
);
CREATE TABLE versions (
  id INTEGER PRIMARY KEY,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  version TEXT NOT NULL,
  major INTEGER NOT NULL,
  minor INTEGER NOT NULL,
  patch INTEGER NOT NULL,
  prerelease TEXT NOT NULL DEFAULT '',
  stage TEXT NOT NULL CHECK (stage IN ('development', 'staging', 'production', 'archived')),
  stage_updated_at INTEGER NOT NULL,
  artifact_sha256 TEXT NOT NULL CHECK (length(artifact_sha256) = 64),
  artifact_size INTEGER NOT NULL,
  artifact_media_type TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  params TEXT NOT NULL DEFAULT '{}',
  source TEXT,
  code_version TEXT,
  run_id TEXT,
  parent_model TEXT,
  parent_version TEXT,
  dataset_hash TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (model_id, version)
);
CREATE INDEX versions_order ON versions (model_id, major, minor, patch);
CREATE INDEX versions_stage ON versions (model_id, stage);
CREATE INDEX versions_artifact ON versions (artifact_sha256);
CREATE TABLE version_tags (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (version_id, key)
);
CREATE INDEX version_tags_key ON version_tags (key, value);
CREATE TABLE version_metrics (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (version_id, key)
);
CREATE INDEX version_metrics_key ON version_metrics (key, value);
CREATE TABLE aliases (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  version_id INTEGER NOT NULL REFERENCES versions(id),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (model_id, alias)
);
CREATE INDEX aliases_version ON aliases (version_id);
CREATE TABLE transitions (
  id INTEGER PRIMARY KEY,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
  from_stage TEXT,
  to_stage TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('create', 'transition', 'archive-previous', 'rollback')),
  reason TEXT NOT NULL DEFAULT '',
  at INTEGER NOT NULL
);
CREATE INDEX transitions_model ON transitions (model_id, id);
CREATE INDEX transitions_version ON transitions (version_id);
CREATE TABLE ab_variants (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  variant TEXT NOT NULL,
  routed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (model_id, variant)
);
CREATE TABLE ab_outcomes (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  variant TEXT NOT NULL,
  metric TEXT NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  sum_squares REAL NOT NULL,
  PRIMARY KEY (model_id, variant, metric)
);
CREATE TABLE experiments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
  start_time INTEGER NOT NULL,
  end_time INTEGER
);
CREATE INDEX runs_experiment ON runs (experiment_id, start_time);
CREATE TABLE run_params (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX run_params_key ON run_params (key, value);
CREATE TABLE run_tags (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX run_tags_key ON run_tags (key, value);
CREATE TABLE run_metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value REAL NOT NULL,
  step INTEGER NOT NULL,
  timestamp INTEGER NOT NULL
);
CREATE INDEX run_metrics_history ON run_metrics (run_id, key, step);
CREATE TABLE run_latest_metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value REAL NOT NULL,
  step INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX run_latest_metrics_key ON run_latest_metrics (key, value);
CREATE TABLE run_artifacts (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  size INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
);
CREATE INDEX run_artifacts_sha ON run_artifacts (sha256);
`,
  },
];
