import 'server-only';
import { createLogger } from '@acsa/core/logger';
import { createAuth, type TAuth } from '@acsa/pipelines/access';
import { nextCookies } from 'better-auth/next-js';
import { DEVELOPMENT_AUTH_SECRET, loadEnv } from '../env';
import { db } from './db';

// One better-auth instance per server process, beside the one Prisma client it uses.
const holder = globalThis as unknown as { acsaAuth?: TAuth };

/** The console's better-auth: sessions in PostgreSQL; server actions set and clear its cookie (nextCookies). */
export function auth(): TAuth {
  if (!holder.acsaAuth) {
    const env = loadEnv();
    holder.acsaAuth = createAuth(db(), {
      secret: env.AUTH_SECRET ?? DEVELOPMENT_AUTH_SECRET,
      baseURL: env.CONSOLE_URL ?? `http://127.0.0.1:${env.PORT}`,
      plugins: [nextCookies()],
      logger: createLogger({ name: 'console', level: env.LOG_LEVEL }),
    });
  }
  return holder.acsaAuth;
}
