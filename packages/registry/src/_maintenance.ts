import { RegistryError } from '@toolbox/contracts';
import type { RegistryContext } from './_context.js';
import type { CheckResult, GcOptions, GcResult } from './types.js';

function referencedArtifacts(context: RegistryContext): { owner: string; sha256: string; size: number }[] {
  return context.db
    .prepare(
      `SELECT m.name || '@' || v.version AS owner, v.artifact_sha256 AS sha256, v.artifact_size AS size FROM versions v JOIN models m ON m.id = v.model_id
       UNION ALL SELECT 'run ' || run_id || ' ' || name, sha256, size FROM run_artifacts`,
    )
    .all() as { owner: string; sha256: string; size: number }[];
}

/**
 * Removes artifacts no version or run refers to, under the write lock so that no
 * concurrent write can be about to reference one; and temp files of interrupted writes.
 */
export function gc(context: RegistryContext, options: GcOptions = {}): GcResult {
  const tempMaxAgeMs = options.tempMaxAgeMs ?? 3_600_000;
  if (typeof tempMaxAgeMs !== 'number' || !(tempMaxAgeMs >= 0)) {
    throw new RegistryError(`options.tempMaxAgeMs must be a number >= 0, got ${String(tempMaxAgeMs)}`, {
      details: { argument: 'options.tempMaxAgeMs' },
    });
  }
  return context.write(() => {
    const referenced = new Set(referencedArtifacts(context).map((row) => row.sha256));
    let removedArtifacts = 0;
    let removedBytes = context.store.removeStaleTemp(tempMaxAgeMs);
    for (const address of context.store.list()) {
      if (referenced.has(address)) continue;
      removedBytes += context.store.remove(address);
      removedArtifacts++;
    }
    return { removedArtifacts, removedBytes };
  });
}

/** `PRAGMA integrity_check` plus a checksum read of every referenced artifact. */
export function check(context: RegistryContext): CheckResult {
  const messages = (context.db.pragma('integrity_check') as { integrity_check: string }[]).map(
    (row) => row.integrity_check,
  );
  const foreignKeys = context.db.pragma('foreign_key_check') as unknown[];
  const badArtifacts: CheckResult['badArtifacts'] = [];
  const rows = referencedArtifacts(context);
  for (const row of rows) {
    if (!context.store.has(row.sha256)) {
      badArtifacts.push({ owner: row.owner, sha256: row.sha256, problem: 'missing' });
      continue;
    }
    try {
      context.store.read(row.sha256, row.size);
    } catch {
      badArtifacts.push({ owner: row.owner, sha256: row.sha256, problem: 'corrupt' });
    }
  }
  const integrityMessages =
    foreignKeys.length > 0 ? [...messages, `${foreignKeys.length} foreign key violations`] : messages;
  return {
    integrityOk: integrityMessages.length === 1 && integrityMessages[0] === 'ok',
    integrityMessages,
    badArtifacts,
    checkedArtifacts: rows.length,
  };
}
