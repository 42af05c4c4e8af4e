import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killRunningWriters, requireBuild, startWriter } from './_children.js';
import { useTempRegistries } from './helpers.js';

const registries = useTempRegistries();

describe('several processes on one registry', () => {
  beforeAll(requireBuild);
  afterEach(killRunningWriters);

  it('4 processes creating versions of one model at once get a unique, gap-free semver sequence', async () => {
    const dir = registries.tempDir();
    const goFile = join(dir, 'go');
    const perWriter = 25;
    const writers = Array.from({ length: 4 }, () => startWriter([dir, 'shared', String(perWriter), goFile]));
    await Promise.all(writers.map((writer) => writer.ready));
    writeFileSync(goFile, '');
    const codes = await Promise.all(writers.map((writer) => writer.exited));
    expect(codes, writers.map((writer) => writer.stderr()).join('\n')).toEqual([0, 0, 0, 0]);

    const acked = writers.flatMap((writer) => writer.acks.map(([version]) => version));
    expect(acked).toHaveLength(4 * perWriter);
    expect(new Set(acked).size).toBe(4 * perWriter);
    const expected = Array.from({ length: 4 * perWriter }, (_, index) => `1.0.${index}`);
    expect([...acked].sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))).toEqual(expected);

    const registry = registries.open({ dir });
    const stored = registry.listVersions('shared');
    expect(stored.map((version) => version.version).reverse()).toEqual(expected);
    // Every writer's acknowledged artifact is the one stored under its version.
    const byVersion = new Map(stored.map((version) => [version.version, version.artifact.sha256]));
    for (const writer of writers)
      for (const [version, sha256] of writer.acks) expect(byVersion.get(version)).toBe(sha256);
    // The writers really interleaved: versions from one writer are not one contiguous block.
    const owners = stored.map((version) => version.tags.writer);
    const switches = owners.filter((owner, index) => index > 0 && owner !== owners[index - 1]).length;
    expect(switches).toBeGreaterThan(3);
    expect(registry.check()).toMatchObject({ integrityOk: true, badArtifacts: [] });
  }, 120_000);
});
