import type { PrismaClient } from '@acsa/db';
import { newLabelsSinceRetrain } from '@acsa/pipelines/learning-data';
import type { TRetrainRequest, TRetrainRequestResult } from '@acsa/pipelines/retrain';

export type TLabelCheck = {
  count: number;
  since: Date | null;
  result: TRetrainRequestResult | null;
  /** Runs failing one after another hold the next back until then (see FAILED_RUNS_BACKOFF). */
  heldUntil?: Date;
  failedInARow?: number;
};

/**
 * After runs failed one after another, the label trigger waits this long after the last (15 minutes,
 * doubling with each failure in a row, a day at most) before it starts another: a run failing every time
 * (a full disk, a bad dataset) would otherwise start every check, each writing a snapshot of the corpus.
 * A person's request, a drift alert and the schedule are not held.
 */
export const FAILED_RUNS_BACKOFF = { firstMs: 15 * 60_000, maxMs: 24 * 3_600_000 };

/**
 * Starts a run once reviewers have made `threshold` labels since the last run that used labels (a failed
 * or cancelled run trained nothing, so its labels still count as new).
 */
export async function checkLabelTrigger(deps: {
  prisma: PrismaClient;
  requestRetrain: (input: TRetrainRequest) => Promise<TRetrainRequestResult>;
  threshold: number;
  now?: () => Date;
}): Promise<TLabelCheck> {
  // The console's "N new labels" banner counts by the same rule.
  const { count, since } = await newLabelsSinceRetrain(deps.prisma);
  if (deps.threshold <= 0 || count < deps.threshold) return { count, since, result: null };
  const held = await failedRunsHold(deps.prisma, (deps.now ?? (() => new Date()))());
  if (held) return { count, since, result: null, ...held };
  const result = await deps.requestRetrain({
    trigger: 'LABELS',
    reason: `${count} new labels${since ? ` since ${since.toISOString()}` : ''}`,
  });
  return { count, since, result };
}

/** The runs that failed one after another, newest first (a cancel, a person's choice, ends the streak). */
async function failedRunsHold(
  prisma: PrismaClient,
  now: Date,
): Promise<{ heldUntil: Date; failedInARow: number } | null> {
  const recent = await prisma.trainingRun.findMany({
    orderBy: { createdAt: 'desc' },
    take: 10,
    select: { status: true, finishedAt: true, createdAt: true },
  });
  const streak = recent.findIndex((r) => r.status !== 'FAILED');
  const failedInARow = streak === -1 ? recent.length : streak;
  if (failedInARow === 0) return null;
  const last = recent[0]!;
  const waitMs = Math.min(FAILED_RUNS_BACKOFF.maxMs, FAILED_RUNS_BACKOFF.firstMs * 2 ** (failedInARow - 1));
  const heldUntil = new Date((last.finishedAt ?? last.createdAt).getTime() + waitMs);
  return heldUntil > now ? { heldUntil, failedInARow } : null;
}
