import { availableParallelism, cpus, totalmem } from 'node:os';
import { optionalFunction, optionalPositiveNumber } from './_validate.js';

/** Facts about the machine that do not change while the process runs. */
export interface StaticInfo {
  /** e.g. `'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz'`. */
  cpuModel: string;
  /** Physical cores (without hyper-threads); equals `logicalCores` when only `os` answered. */
  physicalCores: number;
  /** Logical CPUs the OS reports. */
  logicalCores: number;
  /** Installed RAM, bytes (not the cgroup limit: see `SystemSnapshot.memoryLimitBytes`). */
  totalMemoryBytes: number;
  /** Who answered: systeminformation, or the `os` fallback (it failed or timed out). */
  source: 'systeminformation' | 'os';
}

/** What the loader must deliver (systeminformation's `cpu()` and `mem()`, trimmed). */
export interface StaticInfoSource {
  cpu(): Promise<{ manufacturer: string; brand: string; physicalCores: number; cores: number }>;
  mem(): Promise<{ total: number }>;
}

export interface StaticInfoOptions {
  /** Give up on systeminformation after this long and answer from `os`, milliseconds; default 3000. */
  timeoutMs?: number;
  /** Replaces systeminformation (tests); default a lazy `import('systeminformation')`. */
  source?: () => Promise<StaticInfoSource>;
}

function fromOs(): StaticInfo {
  const logical = cpus();
  const cores = logical.length || availableParallelism();
  return {
    cpuModel: logical[0]?.model.trim() || 'unknown',
    physicalCores: cores,
    logicalCores: cores,
    totalMemoryBytes: totalmem(),
    source: 'os',
  };
}

async function fromSource(load: () => Promise<StaticInfoSource>): Promise<StaticInfo> {
  const source = await load();
  const [cpu, mem] = await Promise.all([source.cpu(), source.mem()]);
  const model = `${cpu.manufacturer} ${cpu.brand}`.trim();
  const fallback = fromOs();
  return {
    cpuModel: model || fallback.cpuModel,
    physicalCores: cpu.physicalCores > 0 ? cpu.physicalCores : fallback.physicalCores,
    logicalCores: cpu.cores > 0 ? cpu.cores : fallback.logicalCores,
    totalMemoryBytes: mem.total > 0 ? mem.total : fallback.totalMemoryBytes,
    source: 'systeminformation',
  };
}

async function loadSystemInformation(): Promise<StaticInfoSource> {
  // Loaded lazily: systeminformation is CommonJS, so its functions may sit on `default`.
  const module = (await import('systeminformation')) as unknown as StaticInfoSource & {
    default?: StaticInfoSource;
  };
  return module.default ?? module;
}

/**
 * Reads the static facts once. systeminformation takes ~700 ms here, so it never runs
 * on a hot path: the first call starts it; when it fails or exceeds `timeoutMs` the
 * answer comes from `os`, and a late systeminformation answer still replaces the
 * memo for later calls.
 */
export function createStaticInfoReader(options: StaticInfoOptions = {}): () => Promise<StaticInfo> {
  const timeoutMs = optionalPositiveNumber(options.timeoutMs, 'options.timeoutMs') ?? 3000;
  const load = optionalFunction(options.source, 'options.source') ?? loadSystemInformation;
  let memo: Promise<StaticInfo> | undefined;
  return () => {
    if (memo !== undefined) return memo;
    const detailed = fromSource(load);
    detailed.then(
      (info) => {
        memo = Promise.resolve(info);
      },
      () => {
        // The fallback below already answered; nothing else to do.
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<StaticInfo>((resolve) => {
      timer = setTimeout(() => resolve(fromOs()), timeoutMs);
      timer.unref();
    });
    memo = Promise.race([detailed.catch(fromOs), timeout]).finally(() => clearTimeout(timer));
    return memo;
  };
}

let shared: (() => Promise<StaticInfo>) | undefined;

/**
 * Physical cores, CPU model and total memory, via systeminformation, fetched once per
 * process and memoised (these facts cannot change while it runs), with a 3 s timeout
 * and a fallback to `os`. For other options use `createStaticInfoReader`.
 */
export function staticInfo(): Promise<StaticInfo> {
  shared ??= createStaticInfoReader();
  return shared();
}
