import type { PrismaClient } from '@acsa/db';
import type { TActor } from '@acsa/db/registry';
import type { Redis } from 'ioredis';
import { decideExperiment, type TDecideOptions, type TDecision } from './ab-decide.ts';
import { concludeExperiment, stopExperiment } from './ab-lifecycle.ts';
import { experimentResults } from './ab-results.ts';

export const EXPERIMENT_CHECK_ACTOR: TActor = { type: 'SYSTEM', display: 'system:experiment-check' };

export type TExperimentCheck = {
  experimentId: string;
  name: string;
  decision: TDecision;
  /**
   * What was done: promoted, proposed, stopped (rolled back; or, with a `promote` decision, its winner not
   * promoted because production had moved since the experiment started, with why as the decision's reason),
   * or nothing (no decision, or already proposed).
   */
  outcome: 'stopped' | 'promoted' | 'proposed' | 'none';
};

/**
 * Looks at every running experiment and acts on decideExperiment's rule: a challenger worse on a guardrail
 * is rolled back (stopExperiment: its aliases removed, all traffic on production again); a winner is
 * promoted (concludeExperiment) when the experiment has autoPromote and production is still on its control
 * (else the experiment only stops), or else proposed once in the audit log and nothing moves. Stop and
 * conclude record the reason with its figures in the alias history and audit.
 * One experiment failing to load or act does not keep the others from being checked; its error is thrown
 * after the rest, so the scheduled job shows it failed.
 */
export async function decideExperiments(
  prisma: PrismaClient,
  opts: TDecideOptions & { redis?: Redis | null; now?: Date; actor?: TActor } = {},
): Promise<TExperimentCheck[]> {
  const actor = opts.actor ?? EXPERIMENT_CHECK_ACTOR;
  const running = await prisma.experiment.findMany({
    where: { status: 'RUNNING' },
    select: { id: true, name: true, autoPromote: true },
    orderBy: { name: 'asc' },
  });
  const checks: TExperimentCheck[] = [];
  const errors: unknown[] = [];
  for (const exp of running) {
    try {
      const results = await experimentResults(prisma, exp.id, { now: opts.now });
      const decision = decideExperiment(results, opts);
      const check = { experimentId: exp.id, name: exp.name, decision };
      if (decision.action === 'none') {
        checks.push({ ...check, outcome: 'none' });
        continue;
      }
      const details = { decision: decision.action, evidence: decision.evidence };
      const common = { experimentId: exp.id, actor, reason: decision.reason, redis: opts.redis, details };
      if (decision.action === 'rollback') {
        const { changed } = await stopExperiment(prisma, common);
        checks.push({ ...check, outcome: changed ? 'stopped' : 'none' });
      } else if (exp.autoPromote) {
        const { promoted, message } = await concludeExperiment(prisma, {
          ...common,
          winner: decision.variant,
        });
        // Production moved away from the control meanwhile: the experiment ended with no winner. The message
        // becomes the reason, which the trainer logs, so its log says so rather than showing the evidence.
        if (promoted) checks.push({ ...check, outcome: 'promoted' });
        else checks.push({ ...check, decision: { ...decision, reason: message }, outcome: 'stopped' });
      } else {
        const proposed = await propose(prisma, exp, actor, decision);
        checks.push({ ...check, outcome: proposed ? 'proposed' : 'none' });
      }
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new AggregateError(errors, `${errors.length} experiments could not be checked`);
  return checks;
}

/**
 * The audit entry that proposes a winner for a person to conclude. Written once per (experiment, winner):
 * the check runs every minute, and the evidence only grows while the experiment keeps running.
 */
async function propose(
  prisma: PrismaClient,
  exp: { id: string; name: string },
  actor: TActor,
  decision: Exclude<TDecision, { action: 'none' }>,
): Promise<boolean> {
  const earlier = await prisma.auditLog.findMany({
    where: { action: 'experiment.propose', targetType: 'Experiment', targetId: exp.id },
    select: { data: true },
  });
  if (earlier.some((a) => (a.data as { winner?: string } | null)?.winner === decision.variant)) return false;
  await prisma.auditLog.create({
    data: {
      actorType: actor.type,
      actorId: null,
      actor: actor.display,
      action: 'experiment.propose',
      targetType: 'Experiment',
      targetId: exp.id,
      data: {
        name: exp.name,
        winner: decision.variant,
        reason: decision.reason,
        evidence: decision.evidence,
      },
    },
  });
  return true;
}
