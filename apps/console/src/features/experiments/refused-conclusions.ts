import 'server-only';
import type { PrismaClient } from '@acsa/db';
import { listAudit } from '@acsa/pipelines/audit';

export type TRefusedConclusion = { actor: string; at: Date; message: string };

/**
 * Why experiments a conclusion ended STOPPED stopped, by experiment id: concludeExperiment refuses to move
 * production that moved since the experiment started, and its experiment.conclude audit entry keeps
 * `promoted: false` and the message. The Experiment row has no column for it, so without this the page
 * shows a bare "stopped". The latest 100 conclusion entries: a refused repeat writes none, so they reach
 * well past the 20 experiments the page lists; an older one simply shows no reason.
 */
export async function refusedConclusions(prisma: PrismaClient): Promise<Map<string, TRefusedConclusion>> {
  const entries = await listAudit(prisma, {
    action: 'experiment.conclude',
    targetType: 'Experiment',
    limit: 100,
  });
  const refused = new Map<string, TRefusedConclusion>();
  const seen = new Set<string>();
  // Newest first: only an experiment's latest conclusion says how it ended.
  for (const e of entries) {
    if (!e.targetId || seen.has(e.targetId)) continue;
    seen.add(e.targetId);
    const data = e.data as { promoted?: unknown; outcome?: unknown } | null;
    if (data?.promoted === false && typeof data.outcome === 'string')
      refused.set(e.targetId, { actor: e.actor, at: e.at, message: data.outcome });
  }
  return refused;
}
