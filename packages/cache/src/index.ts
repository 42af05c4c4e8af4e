export type {
  CacheEntry,
  CacheOptions,
  CacheSetOptions,
  CacheStats,
  DiskTierStats,
  RemoteTierStats,
  TierStats,
} from './cache.js';
export { Cache, createCache } from './cache.js';
export { decodeValue, encodeValue } from './codec.js';
export type { DiskHit, DiskStoreOptions, DiskStoreStats } from './disk-store.js';
export { createDiskStore, DiskStore } from './disk-store.js';
export { estimateBytes } from './estimate-bytes.js';
export { hashKey } from './hash-key.js';
export type { HashInput } from './hasher.js';
export { Hasher } from './hasher.js';
export type { MemoizeOptions } from './memoize.js';
export { memoize } from './memoize.js';
