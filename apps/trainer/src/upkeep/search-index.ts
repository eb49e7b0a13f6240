import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';

/**
 * Merges the conversation search index's pending list every `everyMs`, off the turn path.
 *
 * A GIN index takes new entries into a pending list and merges it into the index proper once it passes
 * gin_pending_list_limit (4 MB), inside whichever insert crossed it: one of serving's turn statements. At 800
 * turns/s that came every ~10 s and held the statement 40–60 ms (auto_explain: a two-turn statement, 46 ms,
 * 3,881 WAL records for 2 rows), and every turn batched behind it was late by as much. Merged here every
 * 2 s, the list never reaches the limit below ~5,000 turns/s, and the merge runs in this connection's
 * backend while turns go on (an insert that finds a merge under way does not wait for it). A smaller limit
 * instead (256 kB, merged by the turns themselves) took the spikes away too but cost PostgreSQL 0.02–0.04 ms
 * more per turn at saturation (`npx tsx bench/serving/everything.ts`, four alternating pairs). Without a
 * trainer running, inserts merge at the limit as before: slower turns now and then, nothing lost.
 */
export function startSearchIndexUpkeep(o: { prisma: PrismaClient; logger: Logger; everyMs?: number }): {
  /** Merges now; resolves with the pending-list pages merged (0 when there was nothing to merge). */
  tick(): Promise<number>;
  close(): Promise<void>;
} {
  let running: Promise<number> | null = null;
  let warned = false;
  const tick = (): Promise<number> => {
    // The console's conversation search: a trigram GIN index over customers' messages.
    running ??= o.prisma.$queryRaw<{ pages: number }[]>`
      SELECT gin_clean_pending_list('"Message_text_trgm_idx"'::regclass)::int AS pages`
      .then(([r]) => {
        warned = false;
        return r?.pages ?? 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(
    () =>
      void tick().catch((e) => {
        // PostgreSQL away: said once per outage, not every 2 s.
        if (!warned) o.logger.warn({ err: (e as Error).message }, 'search index merge failed; will retry');
        warned = true;
      }),
    o.everyMs ?? 2_000,
  );
  timer.unref();
  return {
    tick,
    async close() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
