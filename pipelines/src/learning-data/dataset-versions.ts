import type { PrismaClient } from '@acsa/db';

export type TDatasetVersionView = {
  id: string;
  dataset: string;
  version: number;
  source: string;
  createdAt: Date;
  createdBy: string | null;
  examples: number;
  splits: { train: number; dev: number; test: number };
  /** Examples per intent, most first. */
  intents: { intent: string; n: number }[];
  /** Examples per origin: bootstrap corpus, imported file, reviewers' labels, production. */
  sources: { source: string; n: number }[];
  /** Training runs that used this version: trained on it, or on a snapshot taken from it. */
  runs: number;
};

/**
 * Runs that trained on a snapshot taken from each of `ids`. A retrain never trains on the bootstrap corpus
 * or an import directly: it snapshots them (with reviewers' labels) and trains on the snapshot, whose meta
 * lists the versions it drew on. Counting only direct runs would leave every source at 0 runs for ever.
 */
async function runsThroughSnapshots(prisma: PrismaClient, ids: string[]): Promise<Map<string, number>> {
  const rows = await prisma.$queryRaw<{ id: string; runs: bigint }[]>`
    SELECT src->>'id' AS id, count(DISTINCT r.id) AS runs
    FROM "DatasetVersion" s
    CROSS JOIN LATERAL jsonb_array_elements(
      CASE WHEN jsonb_typeof(s.meta->'sources') = 'array' THEN s.meta->'sources' ELSE '[]'::jsonb END
    ) AS src
    JOIN "TrainingRun" r ON r."datasetVersionId" = s.id
    WHERE s.source = 'SNAPSHOT' AND src->>'id' = ANY(${ids}::text[])
    GROUP BY 1`;
  return new Map(rows.map((r) => [r.id, Number(r.runs)]));
}

type TGroupRow = { datasetVersionId: string; intent: string; source: string; split: string; n: number };

/**
 * Examples per (intent, source, split) of each version in `ids`. One grouped scan per version, LATERAL, so
 * each reads Example_datasetVersionId_intent_source_split_idx index-only and in group order (a streaming
 * GroupAggregate, whatever the planner makes of an IN list). Still proportional to those versions' size:
 * the page's cost follows what it shows, not the whole table.
 */
async function exampleCounts(prisma: PrismaClient, ids: string[]): Promise<TGroupRow[]> {
  return prisma.$queryRaw<TGroupRow[]>`
    SELECT v.id::text AS "datasetVersionId", g.intent, g.source::text AS source, g.split::text AS split, g.n
    FROM unnest(${ids}::uuid[]) AS v(id)
    CROSS JOIN LATERAL (
      SELECT intent, source, split, count(*)::int AS n
      FROM "Example" e
      WHERE e."datasetVersionId" = v.id
      GROUP BY intent, source, split
    ) g`;
}

/** How many dataset versions there are in all, however many a list shows (a small table). */
export async function countDatasetVersions(prisma: PrismaClient): Promise<number> {
  return prisma.datasetVersion.count();
}

/**
 * What every dataset version holds, newest first: counts per split, intent and source. The console takes the
 * default 30; `limit` is what `acsa data list --limit N` asks for, uncapped, because the page sends engineers
 * there for every version: a cap would make its "--limit N lists every one" untrue.
 */
export async function listDatasetVersions(
  prisma: PrismaClient,
  opts: { limit?: number } = {},
): Promise<TDatasetVersionView[]> {
  const versions = await prisma.datasetVersion.findMany({
    orderBy: { createdAt: 'desc' },
    take: opts.limit ?? 30,
    select: {
      id: true,
      version: true,
      source: true,
      createdAt: true,
      exampleCount: true,
      dataset: { select: { name: true } },
      createdBy: { select: { name: true } },
      _count: { select: { trainingRuns: true } },
    },
  });
  if (!versions.length) return [];
  const ids = versions.map((v) => v.id);
  const [viaSnapshots, groups] = await Promise.all([
    runsThroughSnapshots(prisma, ids),
    exampleCounts(prisma, ids),
  ]);
  return versions.map((v) => {
    const mine = groups.filter((g) => g.datasetVersionId === v.id);
    const sum = (key: 'intent' | 'source' | 'split') => {
      const m = new Map<string, number>();
      for (const g of mine) m.set(g[key], (m.get(g[key]) ?? 0) + g.n);
      return m;
    };
    const splits = sum('split');
    return {
      id: v.id,
      dataset: v.dataset.name,
      version: v.version,
      source: v.source,
      createdAt: v.createdAt,
      createdBy: v.createdBy?.name ?? null,
      examples: v.exampleCount,
      splits: { train: splits.get('TRAIN') ?? 0, dev: splits.get('DEV') ?? 0, test: splits.get('TEST') ?? 0 },
      intents: [...sum('intent')].map(([intent, n]) => ({ intent, n })).sort((a, b) => b.n - a.n),
      sources: [...sum('source')].map(([source, n]) => ({ source, n })).sort((a, b) => b.n - a.n),
      runs: v._count.trainingRuns + (viaSnapshots.get(v.id) ?? 0),
    };
  });
}
