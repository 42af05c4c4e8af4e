import { RegistryError } from '@toolbox/contracts';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './_schema.js';

export type SqliteDatabase = Database.Database;
export type SqlStatement = Database.Statement<unknown[], unknown>;

/**
 * Opens the registry database: WAL (readers never block the writer), `synchronous =
 * FULL` (a committed transaction survives a crash or power loss), `busy_timeout` so
 * several processes queue for the write lock instead of failing, foreign keys on, and
 * pending migrations applied, each in its own write transaction.
 */
export function openDatabase(file: string, busyTimeoutMs: number): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
  } catch (error) {
    throw new RegistryError(`cannot open registry database ${file}: ${(error as Error).message}`, {
      cause: error,
      details: { file },
    });
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    enableWal(db, busyTimeoutMs);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof RegistryError) throw error;
    throw new RegistryError(`cannot prepare registry database ${file}: ${(error as Error).message}`, {
      cause: error,
      details: { file },
    });
  }
}

/**
 * Switches to WAL. The switch needs an exclusive lock and, when several processes
 * open a new database at once, SQLite can answer SQLITE_BUSY at once instead of
 * calling the busy handler; so retry, every 10–50 ms, until `busyTimeoutMs` has passed.
 */
function enableWal(db: SqliteDatabase, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.random() * 40);
    }
  }
}

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);

function migrate(db: SqliteDatabase): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const current = db.prepare<[], { version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  const applied = current.get()?.version ?? 0;
  if (applied > SCHEMA_VERSION) {
    throw new RegistryError(
      `registry schema version ${applied} is newer than this @toolbox/registry (${SCHEMA_VERSION}); upgrade the package`,
      {
        details: { schemaVersion: applied },
      },
    );
  }
  for (const migration of MIGRATIONS) {
    // Re-check inside the write transaction: another process may have migrated meanwhile.
    db.transaction(() => {
      if ((current.get()?.version ?? 0) >= migration.version) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    }).immediate();
  }
}
