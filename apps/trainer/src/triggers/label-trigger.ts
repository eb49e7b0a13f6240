import type { PrismaClient } from '@acsa/db';
import { newLabelsSinceRetrain } from '@acsa/pipelines/learning-data';
import type { TRetrainRequest, TRetrainRequestResult } from '@acsa/pipelines/retrain';

export type TLabelCheck = { count: number; since: Date | null; result: TRetrainRequestResult | null };

/**
 * Starts a run once reviewers have made `threshold` labels since the last run that used labels (a failed
 * or cancelled run trained nothing, so its labels still count as new).
 */
export async function checkLabelTrigger(deps: {
  prisma: PrismaClient;
  requestRetrain: (input: TRetrainRequest) => Promise<TRetrainRequestResult>;
  threshold: number;
}): Promise<TLabelCheck> {
  // The console's "N new labels" banner counts by the same rule.
  const { count, since } = await newLabelsSinceRetrain(deps.prisma);
  if (deps.threshold <= 0 || count < deps.threshold) return { count, since, result: null };
  const result = await deps.requestRetrain({
    trigger: 'LABELS',
    reason: `${count} new labels${since ? ` since ${since.toISOString()}` : ''}`,
  });
  return { count, since, result };
}
