/** Pressure stall information (Linux PSI): share of time some task waited, 10 s average, 0–100. */
export interface PressureStall {
  cpuSomePercent: number;
  memorySomePercent: number;
  ioSomePercent: number;
}

/** One cheap reading of the machine, cgroup-aware. */
export interface SystemSnapshot {
  /** When it was taken, milliseconds since the epoch. */
  timeMs: number;
  /** Cores this process may use: min(cgroup CPU quota, CPU affinity / `os.availableParallelism()`). */
  usableCores: number;
  /**
   * Busy share of the usable cores between this snapshot and the previous one, 0–100
   * (`NaN` when there is no previous sample yet).
   */
  cpuPercent: number;
  /** This process's CPU time over wall time since the previous sample, as a percentage of one core. */
  processCpuPercent: number;
  /** Memory in use, bytes (cgroup `memory.current` inside a container). */
  memoryUsedBytes: number;
  /** Memory still available to this process, bytes. */
  memoryAvailableBytes: number;
  /** Effective memory limit, bytes: the cgroup limit if set, else total RAM. */
  memoryLimitBytes: number;
  /** `memoryUsedBytes / memoryLimitBytes` as a percentage, 0–100. */
  memoryPercent: number;
  /** 1, 5 and 15 minute load averages. */
  loadAverage: readonly [number, number, number];
  /** Event-loop delay of this process (mean over the last interval), milliseconds. */
  eventLoopLagMs: number;
  /** Linux PSI, when the kernel exposes it. */
  pressure?: PressureStall;
}
