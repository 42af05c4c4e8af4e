import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where to find the cgroup and proc filesystems (tests point both at fixture directories). */
export interface CgroupLocation {
  /** Where the cgroup filesystem is mounted; default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
  /** Where procfs is mounted; default `/proc` (`<procRoot>/self/cgroup` names this process's cgroups). */
  procRoot?: string;
}

/** What the cgroup of this process limits, and the files that report its usage. */
export interface CgroupLayout {
  /** 2 (unified), 1 (per-controller hierarchies) or `undefined` when no cgroup files were found. */
  version: 1 | 2 | undefined;
  /** CPU quota in cores, the tightest along the path to the root; `undefined` when unlimited. */
  cpuQuotaCores: number | undefined;
  /** Cumulative CPU time of the cgroup holding the quota: v2 `cpu.stat`, v1 `cpuacct.usage`. */
  cpuUsage: { path: string; unit: 'cpu.stat-usec' | 'ns' } | undefined;
  /** Memory limit in bytes, the tightest along the path to the root; `undefined` when unlimited. */
  memoryLimitBytes: number | undefined;
  /** Usage files of the cgroup holding the memory limit. */
  memoryUsage: { currentPath: string; statPath: string; inactiveFileKey: string } | undefined;
}

/** cgroup v1 reports "no limit" as a page-rounded 2^63; anything this large is unlimited. */
const UNLIMITED_BYTES = 2 ** 60;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

interface CgroupEntry {
  controllers: string[];
  path: string;
}

/** Parses `/proc/self/cgroup`: `hierarchy-id:controller,list:/path` per line. */
function readSelfCgroups(procRoot: string): CgroupEntry[] {
  const text = readText(join(procRoot, 'self', 'cgroup'));
  if (text === undefined) return [];
  const entries: CgroupEntry[] = [];
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    entries.push({
      controllers: line.slice(first + 1, second).split(','),
      path: line.slice(second + 1) || '/',
    });
  }
  return entries;
}

/** `base/relative`, then each parent up to and including `base` (the process's own cgroup first). */
function chain(base: string, relative: string): string[] {
  const parts = relative.split('/').filter((part) => part !== '' && part !== '..');
  const dirs: string[] = [];
  for (let depth = parts.length; depth >= 0; depth--) dirs.push(join(base, ...parts.slice(0, depth)));
  return dirs;
}

/** The tightest positive finite value of `read(dir)` along `dirs`, with the directory it came from. */
function tightest(
  dirs: readonly string[],
  read: (dir: string) => number | undefined,
): { value: number; dir: string } | undefined {
  let best: { value: number; dir: string } | undefined;
  for (const dir of dirs) {
    const value = read(dir);
    if (
      value !== undefined &&
      Number.isFinite(value) &&
      value > 0 &&
      (best === undefined || value < best.value)
    )
      best = { value, dir };
  }
  return best;
}

function v2Quota(dir: string): number | undefined {
  const text = readText(join(dir, 'cpu.max'));
  if (text === undefined) return undefined;
  const [quota, period] = text.split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  return Number(quota) / Number(period ?? 100_000);
}

function v2MemoryLimit(dir: string): number | undefined {
  const text = readText(join(dir, 'memory.max'));
  if (text === undefined || text === 'max') return undefined;
  const bytes = Number(text);
  return bytes >= UNLIMITED_BYTES ? undefined : bytes;
}

function v1Quota(dir: string): number | undefined {
  const quota = Number(readText(join(dir, 'cpu.cfs_quota_us')));
  const period = Number(readText(join(dir, 'cpu.cfs_period_us')));
  if (!(quota > 0) || !(period > 0)) return undefined;
  return quota / period;
}

function v1MemoryLimit(dir: string): number | undefined {
  const text = readText(join(dir, 'memory.limit_in_bytes'));
  if (text === undefined) return undefined;
  const bytes = Number(text);
  return bytes >= UNLIMITED_BYTES ? undefined : bytes;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The first v1 controller mount under `cgroupRoot` among `names`, e.g. `cpu` or `cpu,cpuacct`. */
function v1Mount(cgroupRoot: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    const dir = join(cgroupRoot, name);
    if (isDirectory(dir)) return dir;
  }
  return undefined;
}

function pathFor(entries: readonly CgroupEntry[], controller: string): string {
  return entries.find((entry) => entry.controllers.includes(controller))?.path ?? '/';
}

function discoverV2(cgroupRoot: string, entries: readonly CgroupEntry[]): CgroupLayout | undefined {
  const own =
    entries.find((entry) => entry.controllers.length === 1 && entry.controllers[0] === '')?.path ?? '/';
  const dirs = chain(cgroupRoot, own);
  const unified = dirs.some(
    (dir) =>
      existsSync(join(dir, 'cpu.max')) ||
      existsSync(join(dir, 'memory.max')) ||
      existsSync(join(dir, 'cgroup.controllers')),
  );
  if (!unified) return undefined;
  const cpu = tightest(dirs, v2Quota);
  const memory = tightest(dirs, v2MemoryLimit);
  return {
    version: 2,
    cpuQuotaCores: cpu?.value,
    cpuUsage: cpu && { path: join(cpu.dir, 'cpu.stat'), unit: 'cpu.stat-usec' },
    memoryLimitBytes: memory?.value,
    memoryUsage: memory && {
      currentPath: join(memory.dir, 'memory.current'),
      statPath: join(memory.dir, 'memory.stat'),
      inactiveFileKey: 'inactive_file ',
    },
  };
}

function discoverV1(cgroupRoot: string, entries: readonly CgroupEntry[]): CgroupLayout | undefined {
  const cpuMount = v1Mount(cgroupRoot, ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']);
  const memoryMount = v1Mount(cgroupRoot, ['memory']);
  if (cpuMount === undefined && memoryMount === undefined) return undefined;
  const cpuPath = pathFor(entries, 'cpu');
  const cpu = cpuMount === undefined ? undefined : tightest(chain(cpuMount, cpuPath), v1Quota);
  const memory =
    memoryMount === undefined
      ? undefined
      : tightest(chain(memoryMount, pathFor(entries, 'memory')), v1MemoryLimit);
  let cpuUsage: CgroupLayout['cpuUsage'];
  if (cpu !== undefined && cpuMount !== undefined) {
    // cpuacct is often co-mounted with cpu; otherwise it sits at the same relative path in its own mount.
    const relative = cpu.dir.slice(cpuMount.length);
    const acctMount = v1Mount(cgroupRoot, ['cpuacct', 'cpu,cpuacct', 'cpuacct,cpu']);
    const path = acctMount === undefined ? undefined : join(acctMount, relative, 'cpuacct.usage');
    if (path !== undefined && existsSync(path)) cpuUsage = { path, unit: 'ns' };
  }
  return {
    version: 1,
    cpuQuotaCores: cpu?.value,
    cpuUsage,
    memoryLimitBytes: memory?.value,
    memoryUsage: memory && {
      currentPath: join(memory.dir, 'memory.usage_in_bytes'),
      statPath: join(memory.dir, 'memory.stat'),
      inactiveFileKey: 'total_inactive_file ',
    },
  };
}

/**
 * Finds this process's cgroup (from `/proc/self/cgroup`) and the limits that apply to
 * it, walking from its own cgroup up to the root: v2 `cpu.max`/`memory.max`, else v1
 * `cpu.cfs_quota_us`/`cpu.cfs_period_us` and `memory.limit_in_bytes`. Directories that do
 * not exist (a container that sees only its own cgroup at the root) are skipped.
 */
export function discoverCgroup(location: CgroupLocation = {}): CgroupLayout {
  const cgroupRoot = location.cgroupRoot ?? '/sys/fs/cgroup';
  const entries = readSelfCgroups(location.procRoot ?? '/proc');
  return (
    discoverV2(cgroupRoot, entries) ??
    discoverV1(cgroupRoot, entries) ?? {
      version: undefined,
      cpuQuotaCores: undefined,
      cpuUsage: undefined,
      memoryLimitBytes: undefined,
      memoryUsage: undefined,
    }
  );
}
