import 'server-only';
import { createPrisma, type PrismaClient } from '@acsa/db';
import { loadEnv } from '../env';

// One client per server process; kept on globalThis so `next dev` reloads do not open a pool per edit.
const holder = globalThis as unknown as { acsaPrisma?: PrismaClient };

/**
 * Limits on the console's database: 5 s for a new connection (a page on a database that is down or silent
 * fails then, not when the kernel gives up), 10 s waiting for a lock (a migration or a long change holding a
 * table: the page says so and offers to try again, app/(console)/error.tsx) and 60 s for a statement, which
 * PostgreSQL cancels past it (the console's heaviest, an import's bulk insert or a week's percentiles, take a
 * few). A statement already sent on a connection that went silent (a failover whose old address drops
 * packets) is given up 5 s after PostgreSQL would have cancelled it, and its connection dropped, so the
 * console answers again on new connections instead of waiting for TCP (minutes).
 */
export const CONSOLE_DB_LIMITS = {
  connectTimeoutMs: 5_000,
  lockTimeoutMs: 10_000,
  statementTimeoutMs: 60_000,
  answerTimeoutMs: 65_000,
};

export function db(): PrismaClient {
  holder.acsaPrisma ??= createPrisma({ url: loadEnv().DATABASE_URL, max: 8, ...CONSOLE_DB_LIMITS });
  return holder.acsaPrisma;
}
