import type { PrismaClient } from '@acsa/db';

export type TModelListItem = {
  id: string;
  version: string;
  kind: string;
  createdAt: Date;
  sizeBytes: number;
  /** Dev accuracy recorded in the bundle's manifest at training time. */
  devAccuracy: number | null;
  /** Test accuracy the gate measured, for versions a retraining run produced. */
  testAccuracy: number | null;
  aliases: string[];
  trainingRunId: string | null;
};

export type TModelList = {
  aliases: Array<{ name: string; versionId: string; version: string; updatedAt: Date }>;
  versions: TModelListItem[];
  /** How many versions are registered in all, however many `versions` holds. */
  total: number;
};

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** Registered versions, newest first, with the aliases that point at each, and how many there are in all. */
export async function listModels(
  prisma: PrismaClient,
  options: { limit?: number } = {},
): Promise<TModelList> {
  const [aliases, versions, total] = await Promise.all([
    prisma.modelAlias.findMany({
      orderBy: { name: 'asc' },
      include: { modelVersion: { select: { version: true } } },
    }),
    prisma.modelVersion.findMany({
      orderBy: { createdAt: 'desc' },
      take: options.limit ?? 50,
      select: {
        id: true,
        version: true,
        kind: true,
        createdAt: true,
        sizeBytes: true,
        metrics: true,
        trainingRunId: true,
        trainingRun: { select: { gate: true } },
      },
    }),
    // A small table: the count costs next to nothing and lets a cut list say what it left out.
    prisma.modelVersion.count(),
  ]);
  return {
    aliases: aliases.map((a) => ({
      name: a.name,
      versionId: a.modelVersionId,
      version: a.modelVersion.version,
      updatedAt: a.updatedAt,
    })),
    versions: versions.map((v) => {
      const metrics = v.metrics as { dev?: { accuracy?: unknown } } | null;
      const gate = v.trainingRun?.gate as { candidate?: { accuracy?: unknown } } | null | undefined;
      return {
        id: v.id,
        version: v.version,
        kind: v.kind,
        createdAt: v.createdAt,
        sizeBytes: v.sizeBytes,
        devAccuracy: num(metrics?.dev?.accuracy),
        testAccuracy: num(gate?.candidate?.accuracy),
        aliases: aliases.filter((a) => a.modelVersionId === v.id).map((a) => a.name),
        trainingRunId: v.trainingRunId,
      };
    }),
    total,
  };
}
