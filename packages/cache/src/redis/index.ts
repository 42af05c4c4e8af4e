export type { RedisStoreOptions, RedisStoreStats } from './redis-store.js';
export { createRedisStore, RedisStore } from './redis-store.js';
