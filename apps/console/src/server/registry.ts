import 'server-only';
import { announcerRedis, type TRegistryDeps } from '@acsa/pipelines/registry';
import { loadEnv } from '../env';
import { db } from './db';

const holder = globalThis as unknown as { acsaAnnouncer?: ReturnType<typeof announcerRedis> };

/** The registry and the Redis client that announces moves, made on first use: pages that never move an alias never open Redis. */
export function registryDeps(): TRegistryDeps {
  holder.acsaAnnouncer ??= announcerRedis(loadEnv().REDIS_URL);
  return { prisma: db(), redis: holder.acsaAnnouncer };
}
