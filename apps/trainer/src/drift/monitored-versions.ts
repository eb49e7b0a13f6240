import type { PrismaClient } from '@acsa/db';
import { SHADOW_ALIAS } from '@acsa/pipelines';
import type { TDriftSource } from './window-messages.ts';

export type TMonitoredVersion = {
  versionId: string;
  /** Every alias pointing at it now (production, shadow, experiment:<name>:<variant>), sorted. */
  aliases: string[];
  source: TDriftSource;
  /** When its earliest alias last moved: its traffic before then was another version's, or none. */
  since: Date;
};

/**
 * Every version an alias points at, once each, with where its predictions are. A version that answers
 * customers under one alias and is also the shadow (rare) is read from its answers, which cover every turn.
 */
export async function monitoredVersions(prisma: PrismaClient): Promise<TMonitoredVersion[]> {
  const aliases = await prisma.modelAlias.findMany({ orderBy: { name: 'asc' } });
  const byVersion = new Map<string, typeof aliases>();
  for (const a of aliases) byVersion.set(a.modelVersionId, [...(byVersion.get(a.modelVersionId) ?? []), a]);
  return [...byVersion.entries()].map(([versionId, list]) => {
    const answering = list.filter((a) => a.name !== SHADOW_ALIAS);
    const counted = answering.length ? answering : list;
    return {
      versionId,
      aliases: list.map((a) => a.name),
      source: answering.length ? 'answered' : 'shadow',
      since: new Date(Math.min(...counted.map((a) => a.updatedAt.getTime()))),
    };
  });
}
