import { readFileSync, statSync } from 'node:fs';
import { RegistryError } from '@toolbox/contracts';
import type { ArtifactStore, StagedArtifact } from './_artifact-store.js';
import type { SqliteDatabase, SqlStatement } from './_database.js';
import { refuse } from './_validate.js';
import type { ArtifactInfo } from './types.js';

/** What every registry module shares: the database, the artifact store and the limits. */
export interface RegistryContext {
  db: SqliteDatabase;
  store: ArtifactStore;
  maxArtifactBytes: number;
  /** Runs `fn` as one write transaction, taking the write lock up front (`BEGIN IMMEDIATE`). */
  write<T>(fn: () => T): T;
  /** A prepared statement, compiled once per registry. */
  statement(sql: string): SqlStatement;
}

export function createContext(
  db: SqliteDatabase,
  store: ArtifactStore,
  maxArtifactBytes: number,
): RegistryContext {
  const statements = new Map<string, SqlStatement>();
  return {
    db,
    store,
    maxArtifactBytes,
    write: (fn) => db.transaction(fn).immediate(),
    statement(sql) {
      let prepared = statements.get(sql);
      if (!prepared) {
        prepared = db.prepare<unknown[], unknown>(sql);
        statements.set(sql, prepared);
      }
      return prepared;
    },
  };
}

/** Turns an artifact argument into bytes on disk (staged, not yet committed). */
export function stageArtifact(
  context: RegistryContext,
  artifact: unknown,
  argument: string,
): { staged: StagedArtifact; mediaType: ArtifactInfo['mediaType'] } {
  let bytes: Uint8Array;
  let mediaType: ArtifactInfo['mediaType'] = 'application/octet-stream';
  if (artifact instanceof Uint8Array) {
    bytes = artifact;
  } else if (typeof artifact === 'string') {
    if (artifact.includes('\0')) refuse(`${argument} path must not contain NUL bytes`, { argument });
    let size: number;
    try {
      const stats = statSync(artifact);
      if (!stats.isFile())
        refuse(`${argument} ${JSON.stringify(artifact)} is not a regular file`, { argument });
      size = stats.size;
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      return refuse(
        `${argument} file ${JSON.stringify(artifact.slice(0, 200))} cannot be read: ${(error as Error).message}`,
        { argument },
      );
    }
    if (size > context.maxArtifactBytes)
      refuse(`${argument} is ${size} bytes, over maxArtifactBytes ${context.maxArtifactBytes}`, { argument });
    bytes = readFileSync(artifact);
  } else {
    let text: string | undefined;
    try {
      text = JSON.stringify(artifact);
    } catch (error) {
      refuse(`${argument} is not JSON-serializable: ${(error as Error).message}`, { argument });
    }
    if (text === undefined)
      refuse(`${argument} must be a Uint8Array, a file path or a JSON value, got ${typeof artifact}`, {
        argument,
      });
    bytes = Buffer.from(text, 'utf8');
    mediaType = 'application/json';
  }
  if (bytes.byteLength > context.maxArtifactBytes) {
    refuse(`${argument} is ${bytes.byteLength} bytes, over maxArtifactBytes ${context.maxArtifactBytes}`, {
      argument,
    });
  }
  return { staged: context.store.stage(bytes), mediaType };
}
