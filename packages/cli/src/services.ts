// The CLI is an entry point like an app's env.ts: the one place here that reads the environment.
const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/acsa';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The database, and Redis when it answers within 2 s (commands that only announce a change to serving
 * go on without it: replicas also poll the registry). Loaded lazily so `acsa --help` stays fast.
 */
export async function openRegistryServices() {
  const [{ createPrisma }, { Redis }] = await Promise.all([import('@acsa/db'), import('ioredis')]);
  const prisma = createPrisma({ url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, max: 2 });
  const redis = new Redis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  const connected = await redis.connect().then(
    () => true,
    () => false,
  );
  return { prisma, redis: connected ? redis : null };
}
