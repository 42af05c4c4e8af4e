import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { RegistryError } from '@toolbox/contracts';
import { sha256Hex } from './_artifact-store.js';
import type { RegistryContext } from './_context.js';
import { requireModel, requireVersion, toModelInfo, toVersionInfo } from './_rows.js';
import { readTar, writeTar } from './_tar.js';
import { refuse } from './_validate.js';
import { createVersion } from './_versions.js';
import type { ImportResult, ModelInfo, VersionInfo } from './types.js';

export const BUNDLE_FORMAT = 'toolbox-registry-bundle';
const MANIFEST = 'manifest.json';
const ARTIFACT = 'artifact.bin';
const CHECKSUMS = 'SHA256SUMS';
/** Largest manifest accepted, in bytes. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

interface Manifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: 1;
  exportedAt: number;
  model: Pick<ModelInfo, 'name' | 'description' | 'tags'>;
  version: Omit<VersionInfo, 'model' | 'stage' | 'stageUpdatedAt' | 'aliases'>;
}

function checkPath(file: unknown, argument: string): string {
  if (typeof file !== 'string' || file.length === 0 || file.length > 4096 || file.includes('\0')) {
    refuse(`${argument} must be a non-empty file path without NUL bytes`, { argument });
  }
  return file;
}

/**
 * Writes one version as a tar bundle: `manifest.json` (model and version metadata,
 * lineage), `artifact.bin`, and `SHA256SUMS` over both. The file is written to a
 * temp name, fsync'd and renamed, so a reader never sees half a bundle.
 */
export function exportModel(
  context: RegistryContext,
  name: unknown,
  reference: unknown,
  file: unknown,
): { file: string; sha256: string; sizeBytes: number } {
  const target = checkPath(file, 'file');
  const modelRow = requireModel(context, name);
  const row = requireVersion(context, modelRow, reference);
  const model = toModelInfo(context, modelRow);
  const {
    model: _model,
    stage: _stage,
    stageUpdatedAt: _updated,
    aliases: _aliases,
    ...version
  } = toVersionInfo(row);
  const artifact = context.store.read(row.artifact_sha256, row.artifact_size);
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    formatVersion: 1,
    exportedAt: Date.now(),
    model: { name: model.name, description: model.description, tags: model.tags },
    version,
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const sums = Buffer.from(
    `${sha256Hex(manifestBytes)}  ${MANIFEST}\n${sha256Hex(artifact)}  ${ARTIFACT}\n`,
    'ascii',
  );
  const archive = writeTar(
    [
      { name: MANIFEST, bytes: manifestBytes },
      { name: ARTIFACT, bytes: artifact },
      { name: CHECKSUMS, bytes: sums },
    ],
    manifest.exportedAt / 1000,
  );
  const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.bundle-tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      let offset = 0;
      while (offset < archive.byteLength)
        offset += writeSync(fd, archive, offset, archive.byteLength - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    refuse(`cannot write bundle ${JSON.stringify(target)}: ${(error as Error).message}`, { file: target });
  }
  return { file: target, sha256: sha256Hex(archive), sizeBytes: archive.byteLength };
}

/**
 * Reads a bundle written by `exportModel`, verifies every checksum, and adds the version
 * (registering the model if needed) in development. Importing the same bundle twice is a
 * no-op; a different artifact under an existing version number is refused.
 */
export function importModel(context: RegistryContext, file: unknown): ImportResult {
  const source = checkPath(file, 'file');
  let archive: Uint8Array;
  try {
    if (statSync(source).size > context.maxArtifactBytes + MAX_MANIFEST_BYTES)
      refuse(`bundle ${JSON.stringify(source)} is larger than maxArtifactBytes allows`, { file: source });
    archive = readFileSync(source);
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    return refuse(`cannot read bundle ${JSON.stringify(source)}: ${(error as Error).message}`, {
      file: source,
    });
  }
  const entries = readTar(archive, 16);
  const manifestBytes = entries.get(MANIFEST);
  const artifact = entries.get(ARTIFACT);
  const sums = entries.get(CHECKSUMS);
  if (!manifestBytes || !artifact || !sums)
    refuse(`bundle ${JSON.stringify(source)} must contain ${MANIFEST}, ${ARTIFACT} and ${CHECKSUMS}`, {
      file: source,
    });
  if (manifestBytes.byteLength > MAX_MANIFEST_BYTES)
    refuse(`bundle manifest is over ${MAX_MANIFEST_BYTES} bytes`, { file: source });
  const expected = new Map<string, string>();
  for (const line of Buffer.from(sums).toString('ascii').split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (match) expected.set(match[2] as string, match[1] as string);
  }
  for (const [entry, bytes] of [
    [MANIFEST, manifestBytes],
    [ARTIFACT, artifact],
  ] as const) {
    if (expected.get(entry) !== sha256Hex(bytes))
      refuse(`bundle ${JSON.stringify(source)} is corrupt: ${entry} does not match its checksum`, {
        file: source,
        entry,
      });
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(Buffer.from(manifestBytes).toString('utf8')) as Manifest;
  } catch (error) {
    return refuse(`bundle manifest is not valid JSON: ${(error as Error).message}`, { file: source });
  }
  if (
    manifest?.format !== BUNDLE_FORMAT ||
    manifest.formatVersion !== 1 ||
    typeof manifest.model !== 'object' ||
    typeof manifest.version !== 'object'
  ) {
    refuse(`bundle ${JSON.stringify(source)} is not a ${BUNDLE_FORMAT} version 1`, { file: source });
  }
  const { version } = manifest;
  if (version.artifact?.sha256 !== sha256Hex(artifact))
    refuse('bundle manifest names a different artifact checksum than the one it carries', { file: source });
  const modelRow = context.statement('SELECT * FROM models WHERE name = ?').get(manifest.model.name);
  if (modelRow) {
    const existing = context
      .statement(
        'SELECT artifact_sha256 FROM versions WHERE model_id = (SELECT id FROM models WHERE name = ?) AND version = ?',
      )
      .get(manifest.model.name, version.version) as { artifact_sha256: string } | undefined;
    if (existing?.artifact_sha256 === version.artifact.sha256)
      return { model: manifest.model.name, version: version.version };
  }
  // Everything in the manifest goes through the same validation as a direct call.
  const created = createVersion(
    context,
    manifest.model.name,
    {
      artifact,
      version: version.version,
      description: version.description,
      params: version.params,
      metrics: version.metrics,
      tags: version.tags,
      source: version.source,
      codeVersion: version.codeVersion,
      runId: version.runId,
      parentVersion: version.parent,
      datasetHash: version.datasetHash,
    },
    {
      checkReferences: false,
      artifactMediaType:
        version.artifact.mediaType === 'application/json' ? 'application/json' : 'application/octet-stream',
      modelDefaults: { description: manifest.model.description, tags: manifest.model.tags },
    },
  );
  if (created.artifact.sha256 !== version.artifact.sha256) {
    refuse('imported artifact changed while being stored', { file: source });
  }
  return { model: created.model, version: created.version };
}
