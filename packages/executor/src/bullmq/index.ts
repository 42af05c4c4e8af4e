export type { RedisConnection } from './_connection.js';
export type { BullmqExecutor, BullmqExecutorOptions, BullmqExecutorStats } from './bullmq-executor.js';
export { createBullmqExecutor } from './bullmq-executor.js';
export type { StartWorkerOptions, ToolboxWorker, WorkerStats } from './start-worker.js';
export { startWorker } from './start-worker.js';
