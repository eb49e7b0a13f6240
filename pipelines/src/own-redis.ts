import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection of the caller's own, made from BullMQ connection options or by duplicating the ioredis
 * instance given: one it may drop when Redis goes silent (a dropped shared one would cut its other users
 * off too). Passed to BullMQ as an instance, it is shared by the queues built on it, which never close it.
 */
export function ownConnection(connection: ConnectionOptions): Redis {
  if (connection instanceof Redis) return connection.duplicate();
  const { url, ...rest } = connection as RedisOptions & { url?: string };
  return url ? new Redis(url, rest) : new Redis(rest);
}

/** Where a client asks Redis, for people to read: host and port (or socket path), never the password. */
export function redisAddress(client: Redis): string {
  const { host, port, path } = client.options;
  return path ?? `${host ?? '127.0.0.1'}:${port ?? 6379}`;
}
