import type { PrismaClient } from '../../../../prisma/generated/client.ts';
import type { TransactionClient } from '../transaction.ts';

async function lockWaiters(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return row?.n ?? 0;
}

/**
 * Starts `ops` together while a transaction holds the locks `lock` takes, and lets go only once every op
 * waits on a lock (or has finished, or 5 s have passed): whatever each op read before it blocked, it read
 * before any of them wrote. A race that timing alone catches now and then is caught on every run.
 */
export async function raceBehindLock<T>(
  prisma: PrismaClient,
  lock: (tx: TransactionClient) => Promise<unknown>,
  ops: ReadonlyArray<() => Promise<T>>,
): Promise<PromiseSettledResult<T>[]> {
  let settled: Promise<PromiseSettledResult<T>[]> = Promise.resolve([]);
  await prisma.$transaction(
    async (tx) => {
      await lock(tx);
      let done = 0;
      settled = Promise.allSettled(ops.map((op) => op().finally(() => done++)));
      const deadline = Date.now() + 5_000;
      while (done + (await lockWaiters(prisma)) < ops.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
    },
    { timeout: 10_000 },
  );
  return settled;
}
