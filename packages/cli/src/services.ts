import { NoAnswerError, withTimeout } from '@acsa/core/deadline';
import type { PrismaClient } from '@acsa/db';
import type { Redis } from 'ioredis';
import { CliError } from './cli-error.ts';
import { databaseError } from './database-error.ts';
import { cliEnv } from './env.ts';

/**
 * A command on a database that is down or silent says so after this long instead of waiting for the
 * kernel (minutes); the console and the trainer allow a new connection as long.
 */
const DATABASE_CONNECT_TIMEOUT_MS = 5_000;

/** The database, loaded lazily so `acsa --help` stays fast. */
async function openDatabase() {
  const { createPrisma } = await import('@acsa/db');
  return createPrisma({ url: cliEnv().DATABASE_URL, max: 2, connectTimeoutMs: DATABASE_CONNECT_TIMEOUT_MS });
}

/**
 * The database once it has answered: a server that is down, silent or refuses us fails here, in one line
 * naming it (databaseError), rather than as Prisma's invocation dump from whichever query came first. The
 * connection that answered stays in the pool for the command's queries; the caller disconnects.
 */
export async function connectDatabase(): Promise<PrismaClient> {
  const prisma = await openDatabase();
  try {
    await prisma.$queryRaw`SELECT 1`;
    return prisma;
  } catch (err) {
    await prisma.$disconnect().catch(() => undefined);
    throw databaseError(err, { url: cliEnv().DATABASE_URL, connectTimeoutMs: DATABASE_CONNECT_TIMEOUT_MS });
  }
}

/** How long a command waits for Redis to answer before saying so. */
const REDIS_ANSWER_MS = 3_000;

/** Where REDIS_URL points, as people name a server: host:port, never the password. */
function redisServer(): string {
  const url = new URL(cliEnv().REDIS_URL);
  return `${url.hostname || '127.0.0.1'}:${url.port || 6379}`;
}

/**
 * Redis answered a PING in time, or a CliError naming it. A Redis gone silent (a failover's old address that
 * drops packets) takes the connection and never answers, so the connect limit alone let a command wait for
 * the kernel (minutes).
 */
export async function assertRedisAnswers(redis: Redis): Promise<void> {
  await withTimeout(redis.ping(), REDIS_ANSWER_MS, 'redis').catch((e: Error) => {
    throw new CliError(
      e instanceof NoAnswerError
        ? `Redis at ${redisServer()} did not answer within ${REDIS_ANSWER_MS / 1000} s: is it running? (REDIS_URL)`
        : `Redis at ${redisServer()} is not reachable (${e.message}) (REDIS_URL)`,
    );
  });
}

/** A Redis client that fails fast: a command line should say Redis is down, not wait for it. */
export async function openRedis(options: { lazyConnect?: boolean } = {}): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(cliEnv().REDIS_URL, {
    lazyConnect: options.lazyConnect ?? false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  return redis;
}

/** The BullMQ prefix the trainer uses (QUEUE_PREFIX, else the pipelines' default). */
export async function queuePrefix(): Promise<string> {
  const { DEFAULT_QUEUE_PREFIX } = await import('@acsa/pipelines');
  return cliEnv().QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX;
}

/**
 * The database once it has answered (connectDatabase), and Redis when it answers within 3 s (commands that only announce a change to serving
 * go on without it: replicas also poll the registry).
 */
export async function openRegistryServices() {
  const redis = await openRedis({ lazyConnect: true });
  const [database, connected] = await Promise.allSettled([
    connectDatabase(),
    withTimeout(redis.connect(), REDIS_ANSWER_MS, 'redis'),
  ]);
  if (connected.status === 'rejected' || database.status === 'rejected') redis.disconnect();
  if (database.status === 'rejected') throw database.reason;
  return { prisma: database.value, redis: connected.status === 'fulfilled' ? redis : null };
}
