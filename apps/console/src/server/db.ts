import 'server-only';
import { createPrisma, type PrismaClient } from '@acsa/db';
import { loadEnv } from '../env';
import { CONSOLE_DB_LIMITS } from './db-limits';

// One client per server process; kept on globalThis so `next dev` reloads do not open a pool per edit.
const holder = globalThis as unknown as { acsaPrisma?: PrismaClient };

export function db(): PrismaClient {
  holder.acsaPrisma ??= createPrisma({ url: loadEnv().DATABASE_URL, max: 8, ...CONSOLE_DB_LIMITS });
  return holder.acsaPrisma;
}
