import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
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
   * Give up waiting for a statement's answer after this long and drop its connection (AnswerLimitedClient);
   * none by default. For a server gone silent (a failover whose old address drops packets), which can cancel
   * nothing: set it above statementTimeoutMs, so a server that answers cancels first, with the reason.
   */
  answerTimeoutMs?: number;
  /** A statement waiting longer for a lock fails (SQLSTATE 55P03) instead of waiting; none by default. */
  lockTimeoutMs?: number;
};

/**
 * pg's client, except that a statement whose answer limit (query_timeout) passed drops its connection. pg
 * keeps that statement active on it, so every later one waits behind an answer that may never come, and
 * Prisma's transactions return their connection to the pool without the error: after a failover the next
 * page to take it waited out the limit and failed too. Dropped, it is never reused; the pool opens a new
 * connection, which reaches the new server.
 */
class AnswerLimitedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    (this as { query: unknown }).query = (...args: unknown[]) => {
      const answer = query(...args);
      if (answer instanceof Promise)
        answer.catch((e: unknown) => {
          if (e instanceof Error && e.message === 'Query read timeout')
            (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        });
      return answer;
    };
  }
}

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
    ...(options.answerTimeoutMs
      ? { query_timeout: options.answerTimeoutMs, Client: AnswerLimitedClient }
      : {}),
    // TCP keepalive from 30 s idle (the kernel's probe interval and count then apply).
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}
