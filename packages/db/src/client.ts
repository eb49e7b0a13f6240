import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../../prisma/generated/client.ts';

export type CreatePrismaOptions = {
  /** PostgreSQL connection URL. */
  url: string;
  /** Pool size; the driver's default (10) suits an app process, tests and scripts need fewer. */
  max?: number;
  /** Give up opening a connection after this long; by default (0) the OS decides, minutes on a silent host. */
  connectTimeoutMs?: number;
  /** PostgreSQL cancels a statement running longer (SQLSTATE 57014); none by default. */
  statementTimeoutMs?: number;
  /**
   * Give up on a statement's answer after this long and drop its connection: a server gone silent without
   * closing (a failover whose old address drops packets) would otherwise hold the caller for the kernel's
   * TCP timeouts. Longer than `statementTimeoutMs`, so a server that answers says why itself. None by default.
   */
  answerTimeoutMs?: number;
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
    ...(options.answerTimeoutMs ? { query_timeout: options.answerTimeoutMs } : {}),
    // Idle pooled connections to a server that vanished are found out before a request picks one.
    keepAlive: true,
  });
  return new PrismaClient({ adapter });
}
