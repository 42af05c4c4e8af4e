import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { PressureStall, SystemSnapshot } from '@toolbox/contracts';
import { ToolboxError } from '@toolbox/contracts';
import { type CgroupLayout, type CgroupLocation, discoverCgroup } from './_cgroup.js';
import {
  type NumberCursor,
  ProcFile,
  parseDecimalAfter,
  parseDecimalAt,
  parseIntAt,
  parseKeyed,
} from './_proc-file.js';
import { optionalFunction, optionalPositiveInteger, optionalPositiveNumber } from './_validate.js';
import { type CgroupLimits, coresFromQuota } from './usable-cores.js';

export interface SnapshotterOptions extends CgroupLocation {
  /** Cores the scheduler lets this process use; default `os.availableParallelism()` (CPU affinity). */
  parallelism?: number;
  /**
   * Shortest window over which CPU percentages are computed, milliseconds; default 100.
   * `/proc/stat` counts in 10 ms ticks, so shorter windows are noise: a snapshot taken
   * sooner after the previous window repeats the last computed percentages.
   */
  minCpuWindowMs?: number;
  /** How long pressure (PSI) readings are reused, milliseconds; default 1000 (the kernel updates them every 2 s). */
  pressureRefreshMs?: number;
  /** Sampling resolution of the event-loop delay monitor, milliseconds; default 10. */
  eventLoopResolutionMs?: number;
  /** Clock for `timeMs` and the CPU windows, milliseconds since the epoch; default `performance.timeOrigin + performance.now()`. */
  clock?: () => number;
}

/** Takes cheap synchronous snapshots; keeps the previous sample to compute CPU percentages. */
export interface Snapshotter extends Disposable {
  /** A fresh reading of the machine (tens of microseconds: a handful of pre-opened `/proc` and cgroup reads). */
  snapshot(): SystemSnapshot;
  /** The cgroup limits found when the snapshotter was created (limits are read once). */
  readonly cgroup: CgroupLimits;
  /** Closes the file descriptors and stops the event-loop delay monitor. Calling it twice is harmless. */
  dispose(): void;
}

const KEY_CPU = Buffer.from('cpu ');
const KEY_MEM_TOTAL = Buffer.from('MemTotal:');
const KEY_MEM_AVAILABLE = Buffer.from('MemAvailable:');
const KEY_MEM_FREE = Buffer.from('MemFree:');
const KEY_USAGE_USEC = Buffer.from('usage_usec ');
const KEY_AVG10 = Buffer.from('avg10=');

interface CpuCounters {
  timeMs: number;
  /** Busy and total time in the unit of the source (ticks or microseconds). */
  busy: number;
  total: number;
  /** This process's user + system CPU time, microseconds. */
  processUs: number;
}

class ProcSnapshotter implements Snapshotter {
  readonly cgroup: CgroupLimits;
  readonly #layout: CgroupLayout;
  readonly #clock: () => number;
  /** Clock reading at creation; cgroup CPU windows count wall time from here to keep numbers small. */
  readonly #originMs: number;
  readonly #usableCores: number;
  /** Cores the CPU percentage is relative to when it comes from a cgroup quota (may be fractional). */
  readonly #quotaCores: number;
  readonly #minCpuWindowMs: number;
  readonly #pressureRefreshMs: number;
  readonly #resolutionMs: number;
  readonly #files: ProcFile[] = [];
  readonly #stat: ProcFile | undefined;
  readonly #meminfo: ProcFile | undefined;
  readonly #loadavg: ProcFile | undefined;
  readonly #cgroupCpu: ProcFile | undefined;
  readonly #cgroupMemoryCurrent: ProcFile | undefined;
  readonly #cgroupMemoryStat: ProcFile | undefined;
  readonly #inactiveFileKey: Buffer | undefined;
  readonly #pressureFiles: [ProcFile, ProcFile, ProcFile] | undefined;
  readonly #eventLoop: IntervalHistogram;
  readonly #cursor: NumberCursor = { value: 0, end: 0 };
  #baseline: CpuCounters | undefined;
  #cpuPercent = Number.NaN;
  #processCpuPercent = Number.NaN;
  #eventLoopLagMs = 0;
  #pressure: PressureStall | undefined;
  #pressureAtMs = Number.NEGATIVE_INFINITY;
  #disposed = false;

  constructor(options: SnapshotterOptions) {
    const procRoot = options.procRoot ?? '/proc';
    const parallelism =
      optionalPositiveInteger(options.parallelism, 'options.parallelism') ?? availableParallelism();
    this.#minCpuWindowMs = optionalPositiveNumber(options.minCpuWindowMs, 'options.minCpuWindowMs') ?? 100;
    this.#pressureRefreshMs =
      optionalPositiveNumber(options.pressureRefreshMs, 'options.pressureRefreshMs') ?? 1000;
    this.#resolutionMs =
      optionalPositiveInteger(options.eventLoopResolutionMs, 'options.eventLoopResolutionMs') ?? 10;
    this.#clock =
      optionalFunction(options.clock, 'options.clock') ?? (() => performance.timeOrigin + performance.now());
    this.#originMs = this.#clock();
    this.#layout = discoverCgroup(options);
    const { version, cpuQuotaCores, memoryLimitBytes } = this.#layout;
    this.cgroup = { version, cpuQuotaCores, memoryLimitBytes };
    this.#usableCores = coresFromQuota(cpuQuotaCores, parallelism);
    this.#quotaCores = Math.min(cpuQuotaCores ?? parallelism, parallelism);

    this.#stat = this.#open(join(procRoot, 'stat'));
    this.#meminfo = this.#open(join(procRoot, 'meminfo'));
    this.#loadavg = this.#open(join(procRoot, 'loadavg'), 256);
    // With a quota, the cgroup's own CPU time is what the quota throttles; without one, the host's.
    this.#cgroupCpu = this.#layout.cpuUsage && this.#open(this.#layout.cpuUsage.path);
    const memoryUsage = this.#layout.memoryUsage;
    if (memoryUsage !== undefined) {
      this.#cgroupMemoryCurrent = this.#open(memoryUsage.currentPath, 64);
      this.#cgroupMemoryStat = this.#open(memoryUsage.statPath, 16_384);
      this.#inactiveFileKey = Buffer.from(memoryUsage.inactiveFileKey);
    }
    const cpu = this.#open(join(procRoot, 'pressure', 'cpu'), 256);
    const memory = this.#open(join(procRoot, 'pressure', 'memory'), 256);
    const io = this.#open(join(procRoot, 'pressure', 'io'), 256);
    if (cpu && memory && io) this.#pressureFiles = [cpu, memory, io];
    this.#eventLoop = monitorEventLoopDelay({ resolution: this.#resolutionMs });
    this.#eventLoop.enable();
  }

  #open(path: string, bufferBytes?: number): ProcFile | undefined {
    const file = ProcFile.open(path, bufferBytes);
    if (file) this.#files.push(file);
    return file;
  }

  snapshot(): SystemSnapshot {
    if (this.#disposed) throw new ToolboxError('snapshot(): the snapshotter is disposed');
    const timeMs = this.#clock();
    this.#sampleCpu(timeMs);
    const memory = this.#readMemory();
    if (this.#eventLoop.count > 0) {
      // The histogram records the time between timer ticks; the lag is what exceeds the resolution.
      this.#eventLoopLagMs = Math.max(0, this.#eventLoop.mean / 1e6 - this.#resolutionMs);
      this.#eventLoop.reset();
    }
    const snapshot: SystemSnapshot = {
      timeMs,
      usableCores: this.#usableCores,
      cpuPercent: this.#cpuPercent,
      processCpuPercent: this.#processCpuPercent,
      memoryUsedBytes: memory.used,
      memoryAvailableBytes: memory.available,
      memoryLimitBytes: memory.limit,
      memoryPercent: memory.limit > 0 ? (100 * memory.used) / memory.limit : Number.NaN,
      loadAverage: this.#readLoadAverage(),
      eventLoopLagMs: this.#eventLoopLagMs,
    };
    const pressure = this.#readPressure(timeMs);
    if (pressure) snapshot.pressure = pressure;
    return snapshot;
  }

  #sampleCpu(timeMs: number): void {
    const baseline = this.#baseline;
    if (baseline !== undefined && timeMs - baseline.timeMs < this.#minCpuWindowMs) return;
    const counters = this.#readCpuCounters(timeMs);
    this.#baseline = counters;
    if (baseline === undefined) return;
    const wallUs = (counters.timeMs - baseline.timeMs) * 1000;
    const total = counters.total - baseline.total;
    this.#cpuPercent = total > 0 ? clampPercent((100 * (counters.busy - baseline.busy)) / total) : Number.NaN;
    this.#processCpuPercent =
      wallUs > 0 ? Math.max(0, (100 * (counters.processUs - baseline.processUs)) / wallUs) : Number.NaN;
  }

  #readCpuCounters(timeMs: number): CpuCounters {
    const usage = process.cpuUsage();
    const processUs = usage.user + usage.system;
    const cgroupCpu = this.#cgroupCpu;
    if (cgroupCpu?.read()) {
      const usageUs =
        this.#layout.cpuUsage?.unit === 'ns'
          ? parseIntAt(cgroupCpu.buffer, cgroupCpu.length, 0, this.#cursor).value / 1000
          : parseKeyed(cgroupCpu.buffer, cgroupCpu.length, KEY_USAGE_USEC, this.#cursor);
      // The cgroup may use `quotaCores` cores of wall time: that is 100 %.
      const wallUs = (timeMs - this.#originMs) * 1000;
      return { timeMs, busy: usageUs, total: wallUs * this.#quotaCores, processUs };
    }
    const stat = this.#stat;
    if (stat?.read() && stat.buffer.indexOf(KEY_CPU) === 0) {
      // cpu  user nice system idle iowait irq softirq steal (guest time is already inside user)
      let total = 0;
      let idle = 0;
      let at = KEY_CPU.length;
      for (let field = 0; field < 8; field++) {
        const { value, end } = parseIntAt(stat.buffer, stat.length, at, this.#cursor);
        if (Number.isNaN(value)) break;
        total += value;
        if (field === 3 || field === 4) idle += value;
        at = end;
      }
      return { timeMs, busy: total - idle, total, processUs };
    }
    return { timeMs, busy: Number.NaN, total: Number.NaN, processUs };
  }

  #readMemory(): { used: number; available: number; limit: number } {
    let total = Number.NaN;
    let available = Number.NaN;
    const meminfo = this.#meminfo;
    if (meminfo?.read()) {
      const { buffer, length } = meminfo;
      total = parseKeyed(buffer, length, KEY_MEM_TOTAL, this.#cursor) * 1024;
      available = parseKeyed(buffer, length, KEY_MEM_AVAILABLE, this.#cursor) * 1024;
      if (Number.isNaN(available)) available = parseKeyed(buffer, length, KEY_MEM_FREE, this.#cursor) * 1024;
    }
    if (Number.isNaN(total) || Number.isNaN(available)) {
      total = totalmem();
      available = freemem();
    }
    const limit = this.#layout.memoryLimitBytes;
    const current = this.#cgroupMemoryCurrent;
    if (limit !== undefined && limit < total && current?.read()) {
      const usage = parseIntAt(current.buffer, current.length, 0, this.#cursor).value;
      let inactiveFile = 0;
      const stat = this.#cgroupMemoryStat;
      if (stat?.read() && this.#inactiveFileKey) {
        const value = parseKeyed(stat.buffer, stat.length, this.#inactiveFileKey, this.#cursor);
        if (!Number.isNaN(value)) inactiveFile = value;
      }
      // Working set, as the kernel's OOM killer and kubelet see it: usage minus reclaimable page cache.
      const used = Math.max(0, usage - inactiveFile);
      return { used, available: Math.max(0, Math.min(limit - used, available)), limit };
    }
    return { used: total - available, available, limit: total };
  }

  #readLoadAverage(): [number, number, number] {
    const file = this.#loadavg;
    if (file?.read()) {
      const cursor = this.#cursor;
      const one = parseDecimalAt(file.buffer, file.length, 0, cursor).value;
      const five = parseDecimalAt(file.buffer, file.length, cursor.end, cursor).value;
      const fifteen = parseDecimalAt(file.buffer, file.length, cursor.end, cursor).value;
      if (!Number.isNaN(one + five + fifteen)) return [one, five, fifteen];
    }
    const [one = 0, five = 0, fifteen = 0] = loadavg();
    return [one, five, fifteen];
  }

  #readPressure(timeMs: number): PressureStall | undefined {
    const files = this.#pressureFiles;
    if (files === undefined || timeMs - this.#pressureAtMs < this.#pressureRefreshMs) return this.#pressure;
    this.#pressureAtMs = timeMs;
    const [cpu, memory, io] = files;
    const some = (file: ProcFile): number =>
      file.read() ? parseDecimalAfter(file.buffer, file.length, KEY_AVG10, this.#cursor) : Number.NaN;
    // Shared by the snapshots until the next refresh, so frozen.
    this.#pressure = Object.freeze({
      cpuSomePercent: some(cpu),
      memorySomePercent: some(memory),
      ioSomePercent: some(io),
    });
    return this.#pressure;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#eventLoop.disable();
    for (const file of this.#files) file.close();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

function clampPercent(value: number): number {
  return Math.max(0, Math.min(value, 100));
}

/**
 * Creates a snapshotter: opens the `/proc` and cgroup files once, reads the cgroup
 * limits once, and keeps the previous CPU sample so that each `snapshot()` reports the
 * CPU percentage since the last window without sleeping. The first snapshot has
 * `cpuPercent: NaN`. Dispose it to close its file descriptors.
 */
export function createSnapshotter(options: SnapshotterOptions = {}): Snapshotter {
  return new ProcSnapshotter(options);
}
