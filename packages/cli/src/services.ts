import type { PrismaClient } from '@acsa/db';
import type { Redis } from 'ioredis';
import { databaseError } from './database-error.ts';
import { cliEnv } from './env.ts';

/**
 * A command on a database that is down or silent says so after this long instead of waiting for the
 * kernel (minutes); the console and the trainer allow a new connection as long.
 */
const DATABASE_CONNECT_TIMEOUT_MS = 5_000;

/** The database, loaded lazily so `acsa --help` stays fast. */
export async function openDatabase() {
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
 * The database, and Redis when it answers within 2 s (commands that only announce a change to serving
 * go on without it: replicas also poll the registry).
 */
export async function openRegistryServices() {
  const [prisma, redis] = await Promise.all([openDatabase(), openRedis({ lazyConnect: true })]);
  const connected = await redis.connect().then(
    () => true,
    () => false,
  );
  return { prisma, redis: connected ? redis : null };
}
