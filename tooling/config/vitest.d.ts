import type { UserConfig } from 'vitest/config';

export interface PackageConfigOptions {
  /** The package directory; default `process.cwd()`. */
  root?: string;
  /** Per-test timeout in milliseconds; default 20 000. */
  testTimeoutMs?: number;
  /** Test file globs; default colocated `src/**\/*.test.ts` and `test/**\/*.test.ts`. */
  include?: string[];
}

export declare function packageConfig(options?: PackageConfigOptions): UserConfig;
