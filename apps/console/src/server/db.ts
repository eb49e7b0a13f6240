import 'server-only';
import { createPrisma, type PrismaClient } from '@acsa/db';
import { loadEnv } from '../env';

// One client per server process; kept on globalThis so `next dev` reloads do not open a pool per edit.
const holder = globalThis as unknown as { acsaPrisma?: PrismaClient };

export function db(): PrismaClient {
  holder.acsaPrisma ??= createPrisma({ url: loadEnv().DATABASE_URL, max: 8 });
  return holder.acsaPrisma;
}
