import type { Logger } from '@acsa/core/logger';
import { type PrismaClient, sqlStateOf } from '@acsa/db';
import { searchIndexMerges, searchIndexUpkeep } from '../metrics.ts';

/** Failures another try will not mend, and what each means for whoever reads the log. */
const HOPELESS: Record<string, string> = {
  '42501': "the trainer's database role does not own the index (PostgreSQL lets only its owner merge it)",
  '42P01': 'the index does not exist (are the migrations applied?)',
  '55000': 'the database is a standby in recovery (the trainer must use the primary)',
};

/**
 * Merges the conversation search index's pending list every `everyMs`, off the turn path.
 *
 * A GIN index takes new entries into a pending list and merges it into the index proper once it passes
 * gin_pending_list_limit (4 MB), inside whichever insert crossed it: one of serving's turn statements. At 800
 * turns/s that came every ~10 s, and the statement took 26–79 ms instead of a few (auto_explain on one: two
 * turns, 46.9 ms, 3,881 WAL records for 2 rows); every turn batched behind it waited as long. Merged here
 * every 2 s, the list stays under the limit up to ~4,000 turns/s, and the merge runs in this connection's
 * backend while turns go on (an insert that finds a merge under way does not wait for it).
 *
 * Without it (no trainer running, or a failure below that retrying cannot mend, logged once as an error and
 * `acsa_search_index_upkeep` 0, which the alert AcsaSearchIndexUpkeepStopped watches) inserts merge at the
 * limit as before: slower turns now and then, nothing lost. Measured in
 * bench/serving/results/2026-12-06-everything.md, "Night".
 */
export function startSearchIndexUpkeep(o: { prisma: PrismaClient; logger: Logger; everyMs?: number }): {
  /** Merges now, or joins the merge under way; resolves with the pending-list pages it merged. */
  tick(): Promise<number>;
  close(): Promise<void>;
} {
  let running: Promise<number> | null = null;
  let warned = false;
  const tick = (): Promise<number> => {
    // The console's conversation search: a trigram GIN index over customers' messages.
    running ??= o.prisma.$queryRaw<{ pages: number }[]>`
      SELECT gin_clean_pending_list('"Message_text_trgm_idx"'::regclass)::int AS pages`
      .then(
        ([r]) => {
          warned = false;
          searchIndexMerges.inc({ outcome: 'merged' });
          return r?.pages ?? 0;
        },
        (e: unknown) => {
          searchIndexMerges.inc({ outcome: 'failed' });
          throw e;
        },
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(
    () =>
      void tick().catch((e) => {
        const why = HOPELESS[sqlStateOf(e) ?? ''];
        if (why) {
          clearInterval(timer);
          searchIndexUpkeep.set(0);
          o.logger.error(
            { err: (e as Error).message },
            `search index upkeep stopped: ${why}; turns merge the index themselves, with a slow statement now and then`,
          );
          return;
        }
        // PostgreSQL away: said once per outage, not every 2 s.
        if (!warned) o.logger.warn({ err: (e as Error).message }, 'search index merge failed; will retry');
        warned = true;
      }),
    o.everyMs ?? 2_000,
  );
  timer.unref();
  searchIndexUpkeep.set(1);
  return {
    tick,
    async close() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
