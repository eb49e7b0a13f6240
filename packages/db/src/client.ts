import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../../prisma/generated/client.ts';

export type CreatePrismaOptions = {
  /** PostgreSQL connection URL. */
  url: string;
  /** Pool size; the driver's default (10) suits an app process, tests and scripts need fewer. */
  max?: number;
  /** Give up opening a connection after this long; by default (0) the OS decides, minutes on a silent host. */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL cancels a statement running longer (SQLSTATE 57014); none by default. There is no client-side
   * answer limit (pg's query_timeout): Prisma's transactions release their connection without the error, so
   * one whose statement got no answer in time would be pooled again with its ROLLBACK unsent.
   */
  statementTimeoutMs?: number;
  /** A statement waiting longer for a lock fails (SQLSTATE 55P03) instead of waiting; none by default. */
  lockTimeoutMs?: number;
};

/**
 * The one way to get a Prisma client: the pure-JS driver adapter over `pg`, so no native query engine
 * is needed anywhere (it cannot be downloaded offline, and it would double every process's memory).
 */
export function createPrisma(options: CreatePrismaOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 0,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(options.lockTimeoutMs ? { lock_timeout: options.lockTimeoutMs } : {}),
    // TCP keepalive from 30 s idle (the kernel's probe interval and count then apply).
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}
