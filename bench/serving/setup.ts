import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createPrisma, type PrismaClient, withDatabase } from '@acsa/db';
import { migrateDeploy } from '@acsa/db/migrate';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ensureBootstrapBundle } from '../../apps/serving/test/bootstrap-bundle.ts';
import { registerBundle } from '../../apps/serving/test/harness.ts';
import { seedAccess } from '../../prisma/seed/access.ts';
import { seedDemoShop } from '../../prisma/seed/seed.ts';

export const API_KEY = 'acsa_bench_key_0123456789abcdefghijkl';
export const TOKEN_SECRET = 'bench-customer-token-secret-0123456789abcdef';
/** The shop's history ends here, as in the serving tests, so statuses and ETAs are stable between runs. */
const SEED_NOW = new Date('2026-11-20T00:00:00Z');
const DB_PREFIX = 'acsa_bench_serving_';

export type TOrderRef = { number: number; email: string; customerId: string; status: string };
export type TVersion = { id: string; name: string; kind: string };

export type TBench = {
  databaseUrl: string;
  redisUrl: string;
  prisma: PrismaClient;
  /** Publishes alias moves; pub/sub ignores the database number, so serving hears it on any. */
  redis: Redis;
  versions: [TVersion, TVersion];
  orders: { trackable: TOrderRef[]; cancellable: TOrderRef[] };
  close(): Promise<void>;
};

/**
 * A database of its own (created, migrated, dropped at the end; not `acsa_test_*`, which `npm test`
 * drops at start) with the full-size demo shop, the bench API key and two registered versions of the
 * bootstrap model (the int8 student and the fp32 student of the same run), the first in production.
 * Redis is a numbered database of its own, so the bench's keys and queue never mix with development's.
 */
export async function setUpBench(options: {
  serverUrl: string;
  redisBaseUrl: string;
  redisDb: number;
  log: (line: string) => void;
}): Promise<TBench> {
  await dropStaleDatabases(options.serverUrl);
  const name = `${DB_PREFIX}${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = withDatabase(options.serverUrl, name);
  const redisUrl = `${options.redisBaseUrl.replace(/\/\d*$/, '')}/${options.redisDb}`;
  let started = performance.now();
  await migrateDeploy({ url: databaseUrl });
  const prisma = createPrisma({ url: databaseUrl, max: 4 });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const close = async () => {
    await prisma.$disconnect();
    await deleteKeys(redis, 'acsa:*');
    redis.disconnect();
    const admin = new pg.Client({ connectionString: withDatabase(options.serverUrl, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  };
  try {
    options.log(`database ${name} migrated in ${ms(started)}`);
    started = performance.now();
    await seedDemoShop(prisma, { seed: 42, now: SEED_NOW });
    await seedAccess(prisma, { demoApiKey: API_KEY });
    options.log(`demo shop seeded (full size) in ${ms(started)}`);
    started = performance.now();
    const int8 = await ensureBootstrapBundle(options.log);
    const fp32 = path.join(path.dirname(int8), 'student');
    if (!existsSync(path.join(fp32, 'manifest.json'))) throw new Error(`no fp32 student beside ${int8}`);
    const db = { url: databaseUrl, name, prisma, drop: async () => undefined };
    const versions: [TVersion, TVersion] = [
      { id: await registerBundle(db, int8, 'bench-int8'), name: 'bench-int8', kind: 'student-int8' },
      { id: await registerBundle(db, fp32, 'bench-fp32'), name: 'bench-fp32', kind: 'student' },
    ];
    options.log(`bundles registered in ${ms(started)}`);
    return { databaseUrl, redisUrl, prisma, redis, versions, orders: await sampleOrders(prisma), close };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}

/** Databases of bench runs that were killed before their cleanup: named with their start, in base 36. */
async function dropStaleDatabases(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [DB_PREFIX],
    );
    for (const { datname } of rows) {
      const started = Number.parseInt(datname.slice(DB_PREFIX.length).split('_')[0] ?? '', 36);
      // An hour is longer than any run, so a run going on beside this one is left alone.
      if (Date.now() - started > 3_600_000)
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

const ms = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Real orders for the scripted conversations: shipped ones to track, paid ones to (not) cancel. */
async function sampleOrders(prisma: PrismaClient): Promise<TBench['orders']> {
  const select = { number: true, email: true, customerId: true, status: true } as const;
  const trackable = await prisma.order.findMany({
    where: { status: { in: ['SHIPPED', 'DELIVERED'] } },
    select,
    orderBy: { number: 'asc' },
    take: 3_000,
  });
  const cancellable = await prisma.order.findMany({
    where: { status: 'PAID' },
    select,
    orderBy: { number: 'asc' },
    take: 1_000,
  });
  if (!trackable.length || !cancellable.length) throw new Error('the seeded shop has no orders to script');
  return { trackable, cancellable };
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
