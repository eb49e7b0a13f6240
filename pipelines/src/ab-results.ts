import { AppError } from '@acsa/core/errors';
import type { ExperimentStatus, PrismaClient } from '@acsa/db';
import {
  compareProportions,
  sampleRatioCheck,
  type TProportion,
  type TProportionComparison,
  type TSampleRatioCheck,
} from './ab-stats.ts';
import { countAndStore, isEnded, RESULTS_SETTLE_MS, storedCounts } from './ab-stored-results.ts';
import { type TVariantCounts, variantCounts } from './ab-variant-counts.ts';

export type TRate = TProportion & { rate: number | null };
export type TMetric = 'escalationRate' | 'positiveFeedbackRate' | 'accuracy';

export type TVariantResult = {
  id: string;
  name: string;
  modelVersionId: string;
  version: string;
  weight: number;
  /** Sessions (the unit of assignment) and customer turns. */
  sessions: number;
  turns: number;
  escalationRate: TRate;
  positiveFeedbackRate: TRate;
  /** On reviewed turns only: reviewers see escalated and uncertain turns, so this is not overall accuracy. */
  accuracy: TRate;
  /** Difference from the control with its 95 % interval and p-value; null for the control itself. */
  vsControl: Record<TMetric, TProportionComparison | null> | null;
};

export type TExperimentResults = {
  experiment: {
    id: string;
    name: string;
    status: ExperimentStatus;
    primaryMetric: string;
    winnerVariantId: string | null;
    startedAt: Date | null;
    stoppedAt: Date | null;
  };
  window: { from: Date; to: Date } | null;
  /**
   * When the counts were made, for an ended experiment: its stored counts' time, or this read's while its
   * traffic settles. Ratings and labels keep arriving after the stop, so they may be up to a day old (30
   * days after the stop, final). Null while it runs: counted on every read.
   */
  countedAt: Date | null;
  control: string | null;
  variants: TVariantResult[];
  /** Sessions per variant against the weights; when it flags a mismatch, no difference can be trusted. */
  sampleRatio: TSampleRatioCheck;
};

const rate = (successes: number, n: number): TRate => ({ successes, n, rate: n ? successes / n : null });

/** The variant the others are compared with: the one named "control", else the first by name. */
export const controlOf = <T extends { name: string }>(variants: readonly T[]): T | undefined =>
  variants.find((v) => v.name === 'control') ?? [...variants].sort((a, b) => a.name.localeCompare(b.name))[0];

/**
 * A/B results of one experiment over its running window (start → stop, or now while it runs): per variant
 * n, escalation rate, positive-feedback rate and accuracy on reviewed turns; each compared with the
 * control (two-proportion z-test, 95 % interval), and a sample-ratio check of the sessions per variant.
 * An ended experiment's counts are stored (see countedAt), so the experiments page does not recount 20
 * experiments over a month of turns on every visit.
 */
export async function experimentResults(
  prisma: PrismaClient,
  experimentId: string,
  opts: { now?: Date } = {},
): Promise<TExperimentResults> {
  const exp = await prisma.experiment.findUnique({
    where: { id: experimentId },
    include: {
      variants: { include: { modelVersion: { select: { version: true } } }, orderBy: { name: 'asc' } },
    },
  });
  if (!exp) throw new AppError('NOT_FOUND', `no experiment ${experimentId}`, { field: 'experimentId' });
  const now = opts.now ?? new Date();
  const window = exp.startedAt ? { from: exp.startedAt, to: exp.stoppedAt ?? now } : null;
  let counts = new Map<string, TVariantCounts>();
  let countedAt: Date | null = null;
  const stored = storedCounts(exp.results, exp.variants);
  if (window && isEnded(exp.status, exp.stoppedAt) && stored && exp.resultsAt) {
    [counts, countedAt] = [stored, exp.resultsAt];
  } else if (window && isEnded(exp.status, exp.stoppedAt)) {
    // Ended with nothing stored (just now, or before counts were stored at all): counted here, and stored
    // once its traffic is final; the trainer keeps them fresh from then on (refreshExperimentResults).
    const ended = { ...exp, startedAt: window.from, stoppedAt: exp.stoppedAt };
    ({ counts, countedAt } =
      now.getTime() - exp.stoppedAt.getTime() > RESULTS_SETTLE_MS
        ? await countAndStore(prisma, ended, now)
        : { counts: await variantCounts(prisma, exp.variants, window), countedAt: now });
  } else if (window) counts = await variantCounts(prisma, exp.variants, window);
  const control = controlOf(exp.variants);
  const rows = exp.variants.map((v) => {
    const c = counts.get(v.name);
    return {
      v,
      sessions: c?.sessions ?? 0,
      turns: c?.turns ?? 0,
      escalationRate: rate(c?.escalatedSessions ?? 0, c?.sessions ?? 0),
      positiveFeedbackRate: rate(c?.positive ?? 0, c?.rated ?? 0),
      accuracy: rate(c?.correct ?? 0, c?.labeled ?? 0),
    };
  });
  const base = rows.find((r) => r.v.id === control?.id);
  const metrics: TMetric[] = ['escalationRate', 'positiveFeedbackRate', 'accuracy'];
  return {
    experiment: {
      id: exp.id,
      name: exp.name,
      status: exp.status,
      primaryMetric: exp.primaryMetric,
      winnerVariantId: exp.winnerVariantId,
      startedAt: exp.startedAt,
      stoppedAt: exp.stoppedAt,
    },
    window,
    countedAt,
    control: control?.name ?? null,
    variants: rows.map((r) => ({
      id: r.v.id,
      name: r.v.name,
      modelVersionId: r.v.modelVersionId,
      version: r.v.modelVersion.version,
      weight: r.v.weight,
      sessions: r.sessions,
      turns: r.turns,
      escalationRate: r.escalationRate,
      positiveFeedbackRate: r.positiveFeedbackRate,
      accuracy: r.accuracy,
      vsControl:
        !base || r === base
          ? null
          : (Object.fromEntries(metrics.map((m) => [m, compareProportions(base[m], r[m])])) as Record<
              TMetric,
              TProportionComparison | null
            >),
    })),
    sampleRatio: sampleRatioCheck(
      rows.map((r) => r.sessions),
      rows.map((r) => r.v.weight),
    ),
  };
}
