import type { PrismaClient } from '@acsa/db';
import { EXPERIMENT_CHECK_ACTOR } from './ab-auto-decide.ts';

const ENDINGS = ['experiment.stop', 'experiment.conclude'];

const when = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const who = (actor: string) => (actor === EXPERIMENT_CHECK_ACTOR.display ? 'the automatic check' : actor);
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** One ending audit entry in words: who ended it, when, and why as they said it. */
function endingLine(e: { action: string; actor: string; at: Date; data: unknown }): string {
  const d = (typeof e.data === 'object' && e.data ? e.data : {}) as Record<string, unknown>;
  const by = `by ${who(e.actor)} at ${when(e.at)}`;
  // The line ends with its own full stop: a reason written as a sentence keeps one, not two.
  const reason = text(d.reason)?.replace(/[.\s]+$/, '');
  if (e.action === 'experiment.stop') return `Stopped ${by}${reason ? `: ${reason}` : ''}.`;
  // A conclusion that could not promote its winner (production had moved) ended the experiment stopped.
  if (d.promoted === false)
    return `Concluded without a winner ${by}: ${(text(d.outcome) ?? 'production had moved').replace(/[.\s]+$/, '')}.`;
  return `Concluded ${by}: "${text(d.winner) ?? '?'}" won${reason ? ` (${reason})` : ''}.`;
}

/**
 * How each ended experiment ended, by id, from its latest stop or conclusion in the audit log (the
 * Experiment row keeps only the status and when): a person, the automatic check, or a move of production
 * by hand, whose reason names the move. An experiment still running, or one whose entry is gone, has none.
 * The automatic check acts only on running experiments, so an ended one shows this instead of its verdict.
 */
export async function experimentEndings(
  prisma: PrismaClient,
  experiments: { id: string; status: string }[],
): Promise<Map<string, string>> {
  const ids = experiments.filter((e) => e.status === 'STOPPED' || e.status === 'CONCLUDED').map((e) => e.id);
  const endings = new Map<string, string>();
  if (!ids.length) return endings;
  const entries = await prisma.auditLog.findMany({
    where: { targetType: 'Experiment', targetId: { in: ids }, action: { in: ENDINGS } },
    orderBy: { id: 'desc' },
    select: { targetId: true, action: true, actor: true, at: true, data: true },
  });
  // Newest first: a stop and then a conclusion (a winner chosen afterwards) ends as the conclusion says.
  for (const e of entries) if (e.targetId && !endings.has(e.targetId)) endings.set(e.targetId, endingLine(e));
  return endings;
}
