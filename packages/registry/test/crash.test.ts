import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killRunningWriters, requireBuild, startWriter } from './_children.js';
import { useTempRegistries } from './helpers.js';

const registries = useTempRegistries();

describe('crash safety', () => {
  beforeAll(requireBuild);
  afterEach(killRunningWriters);

  it('survives 24 SIGKILLs at random moments with every acknowledged version intact', async () => {
    const dir = registries.tempDir();
    const acknowledged = new Map<string, string>();
    const kills = 24;
    let killedWhileWriting = 0;
    for (let round = 0; round < kills; round++) {
      const writer = startWriter([dir, 'crashy', 'forever']);
      if (round % 3 === 0) {
        // Anywhere from process start-up (opening, migrating) onwards.
        await sleep(Math.random() * 250);
      } else {
        const started = await Promise.race([writer.ready.then(() => true), sleep(60_000).then(() => false)]);
        expect(started, `writer did not start within 60 s: ${writer.stderr()}`).toBe(true);
        // Kill mid-stream: after at least one acknowledged version (however slow a loaded
        // machine makes the writer), then at a random moment among the next writes.
        const deadline = Date.now() + 60_000;
        while (writer.acks.length === 0 && Date.now() < deadline) await sleep(2);
        expect(
          writer.acks.length,
          `writer acknowledged nothing within 60 s: ${writer.stderr()}`,
        ).toBeGreaterThan(0);
        await sleep(Math.random() * 120);
      }
      const acksBefore = writer.acks.length;
      writer.child.kill('SIGKILL');
      const code = await writer.exited;
      expect(code, writer.stderr()).toBeNull();
      if (acksBefore > 0) killedWhileWriting++;
      for (const [version, sha256] of writer.acks) {
        expect(acknowledged.has(version), `version ${version} acknowledged twice`).toBe(false);
        acknowledged.set(version, sha256);
      }
    }
    expect(killedWhileWriting).toBeGreaterThan(kills / 3);
    expect(acknowledged.size).toBeGreaterThan(10);

    const raw = new Database(join(dir, 'registry.db'));
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();

    const registry = registries.open({ dir });
    const stored = new Map(registry.listVersions('crashy').map((version) => [version.version, version]));
    for (const [version, sha256] of acknowledged) {
      expect(stored.get(version)?.artifact.sha256, `acknowledged ${version}`).toBe(sha256);
      const bytes = registry.loadArtifact('crashy', version); // verifies the checksum
      expect(bytes.byteLength).toBe(stored.get(version)?.artifact.sizeBytes);
    }
    // One writer at a time: the sequence has no holes even across crashes.
    const patches = [...stored.keys()].map((version) => Number(version.split('.')[2])).sort((a, b) => a - b);
    expect(patches).toEqual(patches.map((_, index) => index));
    // No row points to a missing or corrupt artifact.
    expect(registry.check()).toMatchObject({ integrityOk: true, badArtifacts: [] });
    // Interrupted writes left at most temp files and unreferenced objects, which gc removes.
    registry.gc({ tempMaxAgeMs: 0 });
    expect(registry.check().badArtifacts).toEqual([]);
  }, 180_000);
});
