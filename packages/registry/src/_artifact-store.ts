import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { RegistryError } from '@toolbox/contracts';

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** Bytes written to a temp file and fsync'd, not yet visible under their content address. */
export interface StagedArtifact {
  sha256: string;
  sizeBytes: number;
  tempPath: string;
}

/**
 * Content-addressed files: `<dir>/objects/ab/cdef...` named by their SHA-256. A write
 * goes to `<dir>/tmp/`, is fsync'd, then renamed into place (and the directory fsync'd),
 * so a crash leaves either no file or a complete one. Reads verify the checksum.
 */
export interface ArtifactStore {
  stage(bytes: Uint8Array): StagedArtifact;
  /** Makes a staged artifact visible under its address; idempotent for equal content. */
  commit(staged: StagedArtifact): void;
  discard(staged: StagedArtifact): void;
  read(sha256: string, expectedSizeBytes?: number): Uint8Array;
  has(sha256: string): boolean;
  /** Every stored address. */
  list(): string[];
  remove(sha256: string): number;
  /** Temp files older than `minAgeMs` (left by crashed writers); removes them and returns their bytes. */
  removeStaleTemp(minAgeMs: number): number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function createArtifactStore(dir: string): ArtifactStore {
  const objects = join(dir, 'objects');
  const tmp = join(dir, 'tmp');
  mkdirSync(objects, { recursive: true });
  mkdirSync(tmp, { recursive: true });

  const pathOf = (sha256: string): string => {
    if (!SHA256_PATTERN.test(sha256)) {
      throw new RegistryError(
        `artifact address must be 64 lowercase hex characters, got ${JSON.stringify(sha256.slice(0, 80))}`,
        {
          details: { argument: 'sha256' },
        },
      );
    }
    return join(objects, sha256.slice(0, 2), sha256.slice(2));
  };

  const fsyncDirectory = (path: string): void => {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };

  return {
    stage(bytes) {
      const sha256 = sha256Hex(bytes);
      const tempPath = join(tmp, `${sha256.slice(0, 16)}-${process.pid}-${randomBytes(6).toString('hex')}`);
      const fd = openSync(tempPath, 'wx', 0o644);
      try {
        let offset = 0;
        while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
        fsyncSync(fd);
      } catch (error) {
        closeSync(fd);
        rmSync(tempPath, { force: true });
        throw new RegistryError(`cannot write artifact: ${(error as Error).message}`, { cause: error });
      }
      closeSync(fd);
      return { sha256, sizeBytes: bytes.byteLength, tempPath };
    },

    commit(staged) {
      const target = pathOf(staged.sha256);
      const shard = join(objects, staged.sha256.slice(0, 2));
      mkdirSync(shard, { recursive: true });
      renameSync(staged.tempPath, target);
      fsyncDirectory(shard);
    },

    discard(staged) {
      rmSync(staged.tempPath, { force: true });
    },

    read(sha256, expectedSizeBytes) {
      const path = pathOf(sha256);
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw new RegistryError(`artifact ${sha256} is missing from the store`, {
          cause: error,
          details: { sha256 },
        });
      }
      if (
        (expectedSizeBytes !== undefined && bytes.byteLength !== expectedSizeBytes) ||
        sha256Hex(bytes) !== sha256
      ) {
        throw new RegistryError(`artifact ${sha256} is corrupt: its content no longer matches its checksum`, {
          details: { sha256, sizeBytes: bytes.byteLength },
        });
      }
      return bytes;
    },

    has(sha256) {
      try {
        return statSync(pathOf(sha256)).isFile();
      } catch {
        return false;
      }
    },

    list() {
      const addresses: string[] = [];
      for (const shard of readdirSync(objects)) {
        for (const rest of readdirSync(join(objects, shard))) {
          const address = shard + rest;
          if (SHA256_PATTERN.test(address)) addresses.push(address);
        }
      }
      return addresses;
    },

    remove(sha256) {
      const path = pathOf(sha256);
      try {
        const size = statSync(path).size;
        rmSync(path);
        return size;
      } catch {
        return 0;
      }
    },

    removeStaleTemp(minAgeMs) {
      let bytes = 0;
      const now = Date.now();
      for (const entry of readdirSync(tmp)) {
        const path = join(tmp, entry);
        try {
          const stats = statSync(path);
          if (now - stats.mtimeMs >= minAgeMs) {
            rmSync(path, { force: true });
            bytes += stats.size;
          }
        } catch {
          // removed by another process meanwhile
        }
      }
      return bytes;
    },
  };
}
