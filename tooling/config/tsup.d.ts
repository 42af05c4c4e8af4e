import type { Options } from 'tsup';

export interface LibraryPresetOptions {
  /** Entry points; default `['src/index.ts']`. */
  entry?: string[] | Record<string, string>;
  /** Modules left as imports. Dependencies are external already. */
  external?: string[];
}

export declare function libraryPreset(options?: LibraryPresetOptions): Options | Options[];
