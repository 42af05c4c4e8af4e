import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SystemSnapshot } from '@toolbox/contracts';

const roots: string[] = [];

/** A temporary directory holding `files` (path → content); removed by `removeFixtures()`. */
export function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'toolbox-monitor-'));
  roots.push(root);
  writeFixture(root, files);
  return root;
}

/** Writes (or rewrites in place, keeping the inode) files under `root`. */
export function writeFixture(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function removeFixtures(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Deterministic uniform [0, 1) generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples from a uniform generator (Box–Muller). */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const GB = 1024 ** 3;

/** A plausible snapshot with the given fields overridden. */
export function fakeSnapshot(overrides: Partial<SystemSnapshot> = {}): SystemSnapshot {
  return {
    timeMs: 1_000_000,
    usableCores: 4,
    cpuPercent: 20,
    processCpuPercent: 5,
    memoryUsedBytes: 4 * GB,
    memoryAvailableBytes: 12 * GB,
    memoryLimitBytes: 16 * GB,
    memoryPercent: 25,
    loadAverage: [0.5, 0.4, 0.3],
    eventLoopLagMs: 0.2,
    ...overrides,
  };
}

/** `/proc` files of a host with 16 GiB of RAM, 10 GiB of it available. */
export const PROC_FILES = {
  stat: 'cpu  1000 0 1000 8000 0 0 0 0 0 0\ncpu0 500 0 500 4000 0 0 0 0 0 0\nintr 1 2 3\n',
  meminfo:
    'MemTotal:       16777216 kB\nMemFree:         8388608 kB\nMemAvailable:   10485760 kB\nBuffers:           1000 kB\n',
  loadavg: '0.52 0.58 1.25 1/123 4567\n',
  'pressure/cpu':
    'some avg10=5.04 avg60=4.72 avg300=11.57 total=91808173\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
  'pressure/memory':
    'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
  'pressure/io':
    'some avg10=12.50 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
};
