import { AppError } from '@acsa/core/errors';
import type { PrismaClient } from '@acsa/db';
import type { Redis } from 'ioredis';
import { decideExperiment, decisionVerdict } from './ab-decide.ts';
import { experimentEndings } from './ab-ending.ts';
import { concludeExperiment, stopExperiment } from './ab-lifecycle.ts';
import { listExperiments } from './ab-list.ts';
import { experimentResults, type TMetric, type TRate } from './ab-results.ts';
import { sequentialTest } from './ab-sequential.ts';
import { proportionInterval } from './ab-stats.ts';
import type { TActor } from './access/roles.ts';
import { auditActorOf } from './audit/audit-actor.ts';

const METRIC: Record<string, TMetric> = {
  escalation_rate: 'escalationRate',
  positive_feedback_rate: 'positiveFeedbackRate',
  accuracy: 'accuracy',
};

const METRICS: TMetric[] = ['escalationRate', 'positiveFeedbackRate', 'accuracy'];
const intervals = (v: Record<TMetric, TRate>) =>
  Object.fromEntries(METRICS.map((m) => [m, proportionInterval(v[m])])) as Record<
    TMetric,
    [number, number] | null
  >;

export type TExperimentsOverview = Awaited<ReturnType<typeof experimentsOverview>>;

/**
 * The latest experiments with their results, the automatic check's decision on them (decideExperiment:
 * its alpha split, minimum sessions and sample-ratio check, and the direction), and for each treatment the
 * sequential p-value on the primary metric as a detail. The p-value alone said "decided" for a treatment
 * significantly worse, or at an alpha the check does not use. The check acts only on running experiments:
 * an ended one has no decision (a "may promote" there would promise what will never happen) but its
 * ending, who stopped or concluded it and why (experimentEndings), where the audit log has it.
 */
export async function experimentsOverview(prisma: PrismaClient, opts: { limit?: number } = {}) {
  const list = await listExperiments(prisma, { limit: opts.limit ?? 20 });
  const endings = await experimentEndings(prisma, list);
  return Promise.all(
    list.map(async (e) => {
      const r = await experimentResults(prisma, e.id);
      const metric = METRIC[r.experiment.primaryMetric] ?? 'escalationRate';
      const control = r.variants.find((v) => v.name === r.control);
      return {
        ...r,
        metric,
        decision: r.experiment.status === 'RUNNING' ? decisionVerdict(decideExperiment(r)) : null,
        ending: endings.get(e.id) ?? null,
        variants: r.variants.map((v) => ({
          ...v,
          intervals: intervals(v),
          sequential: control && v !== control ? sequentialTest(control[metric], v[metric]) : null,
        })),
      };
    }),
  );
}

const why = (reason: string) => {
  const r = reason.trim();
  if (r.length < 3) throw new AppError('BAD_REQUEST', 'say why (3 characters at least)', { field: 'reason' });
  return r;
};

/** Stops an experiment from the console: all traffic back to production, with the engineer's reason. */
export async function stopExperimentFromConsole(
  deps: { prisma: PrismaClient; redis?: Redis | null },
  actor: TActor,
  input: { experimentId: string; reason: string },
) {
  return stopExperiment(deps.prisma, {
    experimentId: input.experimentId,
    actor: auditActorOf(actor),
    reason: why(input.reason),
    redis: deps.redis ?? null,
  });
}

/** Concludes an experiment with a winner, whose version production then serves (a recorded move). */
export async function concludeExperimentFromConsole(
  deps: { prisma: PrismaClient; redis?: Redis | null },
  actor: TActor,
  input: { experimentId: string; winner: string; reason: string },
) {
  return concludeExperiment(deps.prisma, {
    experimentId: input.experimentId,
    winner: input.winner,
    actor: auditActorOf(actor),
    reason: why(input.reason),
    redis: deps.redis ?? null,
  });
}
