import type { ExperimentStatus, PrismaClient } from '@acsa/db';
import { z } from 'zod';
import { type TVariantCounts, type TVariantKey, variantCounts } from './ab-variant-counts.ts';

/**
 * How long after an experiment stops its traffic is final: turns stamped before stoppedAt may still be
 * committing (serving's statements give up after 3 s). Counts stored earlier could miss some of them, and
 * nothing would ever recount them once they are 30 days old.
 */
export const RESULTS_SETTLE_MS = 10 * 60_000;
/** Stored counts older than this are recounted by the trainer (late ratings, labels, undo, adjudication). */
export const RESULTS_REFRESH_MS = 24 * 3_600_000;
/** After this long past its stop, an experiment's counts are frozen: the trainer counts them one last time. */
export const RESULTS_FROZEN_AFTER_MS = 30 * 24 * 3_600_000;

const ZCount = z.number().int().nonnegative();
const ZStoredCounts = z.record(
  z.string(),
  z.object({
    sessions: ZCount,
    turns: ZCount,
    escalatedSessions: ZCount,
    rated: ZCount,
    positive: ZCount,
    labeled: ZCount,
    correct: ZCount,
  }),
);

type TEnded = { id: string; stoppedAt: Date; startedAt: Date; variants: readonly TVariantKey[] };

export const isEnded = (status: ExperimentStatus, stoppedAt: Date | null): stoppedAt is Date =>
  (status === 'STOPPED' || status === 'CONCLUDED') && stoppedAt !== null;

/**
 * The stored counts by variant name; null when absent, not in the shape variantCounts returns, or missing
 * a variant (then they are counted again rather than shown as zeros).
 */
export function storedCounts(
  results: unknown,
  variants: readonly { name: string }[],
): Map<string, TVariantCounts> | null {
  const parsed = ZStoredCounts.safeParse(results);
  if (!parsed.success || variants.some((v) => !parsed.data[v.name])) return null;
  return new Map(Object.entries(parsed.data));
}

/**
 * Counts an ended experiment over its whole window and stores the counts with their time. Only while the
 * experiment still has the stop it was counted for (a concurrent writer stores the same counts, so the
 * last one winning is harmless). A cache write by the system, not a person's change: no audit entry, as
 * the console's mutations have.
 */
export async function countAndStore(
  prisma: PrismaClient,
  exp: TEnded,
  now: Date,
): Promise<{ counts: Map<string, TVariantCounts>; countedAt: Date }> {
  const counts = await variantCounts(prisma, exp.variants, { from: exp.startedAt, to: exp.stoppedAt });
  await prisma.$executeRaw`
    UPDATE "Experiment" SET results = ${JSON.stringify(Object.fromEntries(counts))}::jsonb, "resultsAt" = ${now}
    WHERE id = ${exp.id}::uuid AND "stoppedAt" = ${exp.stoppedAt}`;
  return { counts, countedAt: now };
}

/**
 * The trainer's refresh: recounts the ended experiments whose stored counts are over a day old (or were
 * never stored), so ratings and labels given after the stop show within a day. Only until a count made 30
 * days after the stop exists: from then on the experiment's counts are frozen. Experiments whose traffic
 * is not final yet (stopped under RESULTS_SETTLE_MS ago) wait for the next run.
 */
export async function refreshExperimentResults(
  prisma: PrismaClient,
  opts: { now?: Date } = {},
): Promise<{ name: string; countedAt: Date }[]> {
  const now = opts.now ?? new Date();
  const due = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Experiment"
    WHERE status IN ('STOPPED', 'CONCLUDED') AND "startedAt" IS NOT NULL
      AND "stoppedAt" <= ${new Date(now.getTime() - RESULTS_SETTLE_MS)}
      AND "stoppedAt" > ${new Date(now.getTime() - RESULTS_FROZEN_AFTER_MS - RESULTS_REFRESH_MS)}
      AND ("resultsAt" IS NULL
           OR ("resultsAt" <= ${new Date(now.getTime() - RESULTS_REFRESH_MS)}
               AND "resultsAt" < "stoppedAt" + ${`${RESULTS_FROZEN_AFTER_MS} milliseconds`}::interval))
    ORDER BY "stoppedAt"`;
  const done: { name: string; countedAt: Date }[] = [];
  // One at a time: a recount of a big month is heavy, and nobody waits on this one.
  for (const { id } of due) {
    const exp = await prisma.experiment.findUniqueOrThrow({
      where: { id },
      select: { id: true, name: true, startedAt: true, stoppedAt: true, variants: true },
    });
    if (!exp.startedAt || !exp.stoppedAt) continue;
    const { countedAt } = await countAndStore(
      prisma,
      { ...exp, startedAt: exp.startedAt, stoppedAt: exp.stoppedAt },
      now,
    );
    done.push({ name: exp.name, countedAt });
  }
  return done;
}
