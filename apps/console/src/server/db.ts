import 'server-only';
import { createPrisma, type PrismaClient } from '@acsa/db';
import { loadEnv } from '../env';

// One client per server process; kept on globalThis so `next dev` reloads do not open a pool per edit.
const holder = globalThis as unknown as { acsaPrisma?: PrismaClient };

/**
 * A page or action on a database that went silent fails within seconds instead of spinning until the kernel
 * gives up: 5 s for a connection, 60 s for a statement (the console's heaviest,
 * an import's bulk insert or a week's percentiles, take a few), 65 s for an answer.
 */
export const CONSOLE_DB_LIMITS = {
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 60_000,
  answerTimeoutMs: 65_000,
};

export function db(): PrismaClient {
  holder.acsaPrisma ??= createPrisma({ url: loadEnv().DATABASE_URL, max: 8, ...CONSOLE_DB_LIMITS });
  return holder.acsaPrisma;
}
