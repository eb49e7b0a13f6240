import 'server-only';
import { createPrisma, type PrismaClient, withoutPasswords } from '@acsa/db';
import { loadEnv } from '../env';

/**
 * Long enough for a busy database to answer SELECT 1, short enough that a probe (`npm start` polls every
 * 300 ms) hears "unavailable" instead of hanging on a server that never answers.
 */
export const DATABASE_CHECK_TIMEOUT_MS = 2000;

export type TDatabaseHealth = { ok: true } | { ok: false; error: string };

/**
 * The health check's own client, made on the first check and kept: one connection per process, so probing
 * never takes a connection the console's pages need, and a dead database never queues probes behind pages.
 * A SELECT 1 a silent server never answers is given up after the timeout and its connection dropped
 * (`answerTimeoutMs`), so the next probe connects anew. A new client per failed probe, as before, left each
 * stuck connection open behind it (ending a pool closes only its idle ones): one more every probe of a
 * silent server, until TCP gave up.
 */
let client: { url: string; prisma: PrismaClient } | undefined;
function healthClient(): { url: string; prisma: PrismaClient } {
  if (!client) {
    const url = loadEnv().DATABASE_URL;
    client = {
      url,
      prisma: createPrisma({
        url,
        max: 1,
        connectTimeoutMs: DATABASE_CHECK_TIMEOUT_MS,
        answerTimeoutMs: DATABASE_CHECK_TIMEOUT_MS,
      }),
    };
  }
  return client;
}

/** SELECT 1 on the console's database within the timeout; the failure as one line that holds no secret. */
export async function checkDatabase(): Promise<TDatabaseHealth> {
  const { url, prisma } = healthClient();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${DATABASE_CHECK_TIMEOUT_MS} ms`)),
      DATABASE_CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: publicMessage(err, url) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Prisma wraps the driver's words ("Can't reach database server at …", "role … does not exist") in
 * lines about the invocation; the health answer keeps those words only. The password is cut out in case
 * a driver ever echoes the URL: this answer is public.
 */
function publicMessage(err: unknown, url: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const driver = /Message: `([^`]*)`/.exec(message)?.[1];
  return withoutPasswords((driver ?? message.trim().split('\n').at(-1) ?? 'unknown error').slice(0, 300), [
    url,
  ]);
}
