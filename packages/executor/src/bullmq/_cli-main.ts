import { parseArgs } from 'node:util';
import { DEFAULT_QUEUE_NAME } from './_remote-protocol.js';
import { type StartWorkerOptions, startWorker } from './start-worker.js';

const USAGE = `Usage: toolbox-worker [--redis redis://127.0.0.1:6379] [--concurrency N] [--queue toolbox]
                      [--lock-duration-ms 30000] [--stalled-interval-ms 30000]

Takes chunks of @toolbox/executor/bullmq jobs from a BullMQ queue and runs them on N
worker threads (default: the usable cores). SIGINT/SIGTERM finish the running chunks, then exit.
The Redis URL may also come from TOOLBOX_REDIS_URL.
`;

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new Error(`${flag} must be a positive number, got ${value}`);
  return parsed;
}

/** Runs the worker until a signal; resolves with an exit code for usage output, else undefined. */
export async function runWorkerCli(args: string[]): Promise<number | undefined> {
  const { values } = parseArgs({
    args,
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      queue: { type: 'string' },
      'lock-duration-ms': { type: 'string' },
      'stalled-interval-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const connection = values.redis ?? process.env.TOOLBOX_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const options: StartWorkerOptions = { connection, queueName: values.queue ?? DEFAULT_QUEUE_NAME };
  const concurrency = count(values.concurrency, '--concurrency');
  const lockDurationMs = count(values['lock-duration-ms'], '--lock-duration-ms');
  const stalledIntervalMs = count(values['stalled-interval-ms'], '--stalled-interval-ms');
  if (concurrency !== undefined) options.concurrency = concurrency;
  if (lockDurationMs !== undefined) options.lockDurationMs = lockDurationMs;
  if (stalledIntervalMs !== undefined) options.stalledIntervalMs = stalledIntervalMs;
  const worker = await startWorker(options);
  process.stdout.write(
    `toolbox-worker ${process.pid}: ${worker.concurrency} slots on queue "${worker.queueName}" at ${connection.replace(/\/\/[^@/]*@/, '//***@')}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // A second signal does not wait for the running chunks (or for an unreachable Redis).
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await worker.close();
  process.off('SIGINT', force);
  process.off('SIGTERM', force);
  return undefined;
}
