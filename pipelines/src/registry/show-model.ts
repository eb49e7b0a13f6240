import type { PrismaClient } from '@acsa/db';
import { resolveVersion } from './resolve-version.ts';

export type TModelDetails = Awaited<ReturnType<typeof showModel>>;

/**
 * One version in full: what it is (labels, featuriser, thresholds, metrics), where it came from (dataset
 * version, training run and its gate decision, parent), and the latest `historyLimit` (50) alias moves that
 * involved it, with how many there are in all.
 */
export async function showModel(prisma: PrismaClient, ref: string, opts: { historyLimit?: number } = {}) {
  const v = await resolveVersion(prisma, ref);
  const moves = { OR: [{ fromVersionId: v.id }, { toVersionId: v.id }] };
  const [aliases, history, historyTotal, run, dataset, parent] = await Promise.all([
    prisma.modelAlias.findMany({ where: { modelVersionId: v.id }, select: { name: true, updatedAt: true } }),
    prisma.aliasHistory.findMany({
      where: moves,
      orderBy: { id: 'desc' },
      take: opts.historyLimit ?? 50,
      include: { fromVersion: { select: { version: true } }, toVersion: { select: { version: true } } },
    }),
    prisma.aliasHistory.count({ where: moves }),
    v.trainingRunId
      ? prisma.trainingRun.findUnique({
          where: { id: v.trainingRunId },
          select: { id: true, trigger: true, mode: true, status: true, gate: true, createdAt: true },
        })
      : null,
    v.datasetVersionId
      ? prisma.datasetVersion.findUnique({
          where: { id: v.datasetVersionId },
          select: { id: true, version: true, exampleCount: true, dataset: { select: { name: true } } },
        })
      : null,
    v.parentVersionId
      ? prisma.modelVersion.findUnique({ where: { id: v.parentVersionId }, select: { version: true } })
      : null,
  ]);
  const manifest = v.manifest as {
    variant?: string;
    calibration?: unknown;
    outOfScope?: unknown;
    model?: { precision?: string };
  };
  return {
    id: v.id,
    version: v.version,
    kind: v.kind,
    createdAt: v.createdAt,
    sha256: v.sha256,
    sizeBytes: v.sizeBytes,
    featurizerVersion: v.featurizerVersion,
    precision: manifest.model?.precision ?? null,
    labels: v.labels,
    calibration: manifest.calibration ?? null,
    outOfScope: manifest.outOfScope ?? null,
    metrics: v.metrics,
    aliases: aliases.map((a) => a.name),
    parent: parent?.version ?? null,
    dataset: dataset
      ? {
          id: dataset.id,
          name: dataset.dataset.name,
          version: dataset.version,
          examples: dataset.exampleCount,
        }
      : null,
    trainingRun: run,
    history: history.map((h) => ({
      id: Number(h.id),
      alias: h.alias,
      kind: h.kind,
      from: h.fromVersion?.version ?? null,
      to: h.toVersion?.version ?? null,
      actor: h.actor,
      reason: h.reason,
      at: h.at,
    })),
    historyTotal,
  };
}
