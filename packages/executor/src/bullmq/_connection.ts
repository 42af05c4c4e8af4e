import { InvalidInputError } from '@toolbox/contracts';
import type { ConnectionOptions } from 'bullmq';

/** Where Redis is: a `redis://[user:password@]host:port[/db]` URL, or ioredis options / an ioredis instance (as BullMQ takes them). */
export type RedisConnection = string | ConnectionOptions;

/** BullMQ connection options from a URL or options; `name` names the argument in errors. */
export function connectionOptions(connection: RedisConnection, name: string): ConnectionOptions {
  if (typeof connection === 'string') {
    let url: URL;
    try {
      url = new URL(connection);
    } catch {
      throw invalid(name, connection);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw invalid(name, connection);
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
    if (!Number.isSafeInteger(db) || db < 0) throw invalid(name, connection);
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port === '' ? 6379 : Number(url.port),
      db,
      ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
      ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    };
  }
  if (connection === null || typeof connection !== 'object') throw invalid(name, connection);
  return connection;
}

/** `host:port` of a connection, for messages (never the password). */
export function describeConnection(connection: ConnectionOptions): string {
  const options = connection as { host?: string; port?: number; options?: { host?: string; port?: number } };
  const host = options.host ?? options.options?.host ?? '127.0.0.1';
  const port = options.port ?? options.options?.port ?? 6379;
  return `redis at ${host}:${port}`;
}

function invalid(name: string, value: unknown): InvalidInputError {
  const shown =
    typeof value === 'string' ? JSON.stringify(value.replace(/\/\/[^@/]*@/, '//***@')) : String(value);
  return new InvalidInputError(`${name} must be a redis:// URL or ioredis connection options, got ${shown}`, {
    details: { argument: name },
  });
}
