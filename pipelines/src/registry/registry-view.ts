import type { PrismaClient } from '@acsa/db';
import { rollbackTarget } from './alias-moves.ts';

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export type TRegistryView = Awaited<ReturnType<typeof registryView>>;

/**
 * The console's registry page in one read: every alias with where a rollback would take it, versions newest
 * first with their figures and lineage, and the alias history across all aliases, newest first; with how
 * many versions and moves there are in all, so a list cut at its limit says so (both tables are small).
 */
export async function registryView(prisma: PrismaClient, opts: { limit?: number } = {}) {
  const [aliases, versions, history, versionTotal, historyTotal] = await Promise.all([
    prisma.modelAlias.findMany({
      orderBy: { name: 'asc' },
      include: { modelVersion: { select: { version: true } } },
    }),
    prisma.modelVersion.findMany({
      orderBy: { createdAt: 'desc' },
      take: Math.min(opts.limit ?? 50, 200),
      select: {
        id: true,
        version: true,
        kind: true,
        createdAt: true,
        sizeBytes: true,
        metrics: true,
        parent: { select: { version: true } },
        datasetVersion: { select: { version: true, dataset: { select: { name: true } } } },
        trainingRun: { select: { id: true, trigger: true, gate: true } },
      },
    }),
    prisma.aliasHistory.findMany({
      orderBy: { id: 'desc' },
      take: 100,
      include: { fromVersion: { select: { version: true } }, toVersion: { select: { version: true } } },
    }),
    prisma.modelVersion.count(),
    prisma.aliasHistory.count(),
  ]);
  const names = new Map<string, string>();
  const nameOf = async (id: string | null | undefined) => {
    if (!id) return null;
    if (!names.has(id)) {
      const row = await prisma.modelVersion.findUnique({ where: { id }, select: { version: true } });
      names.set(id, row?.version ?? id);
    }
    return names.get(id) ?? null;
  };
  const aliasRows = await Promise.all(
    aliases.map(async (a) => {
      const moves = await prisma.aliasHistory.findMany({
        where: { alias: a.name },
        orderBy: { id: 'desc' },
        select: { kind: true, fromVersionId: true },
      });
      return {
        name: a.name,
        versionId: a.modelVersionId,
        version: a.modelVersion.version,
        since: a.updatedAt,
        /** Where "roll back" takes this alias; null when there is nothing to roll back to. */
        rollbackTo: await nameOf(rollbackTarget(moves)),
      };
    }),
  );
  return {
    totals: { versions: versionTotal, history: historyTotal },
    aliases: aliasRows,
    versions: versions.map((v) => {
      const dev = (v.metrics as { dev?: Record<string, unknown> } | null)?.dev;
      const gate = v.trainingRun?.gate as { candidate?: { accuracy?: unknown } } | null | undefined;
      return {
        id: v.id,
        version: v.version,
        kind: v.kind,
        createdAt: v.createdAt,
        sizeBytes: v.sizeBytes,
        dev: { accuracy: num(dev?.accuracy), macroF1: num(dev?.macroF1), oosRecall: num(dev?.oosRecall) },
        testAccuracy: num(gate?.candidate?.accuracy),
        aliases: aliases.filter((a) => a.modelVersionId === v.id).map((a) => a.name),
        parent: v.parent?.version ?? null,
        dataset: v.datasetVersion ? `${v.datasetVersion.dataset.name} v${v.datasetVersion.version}` : null,
        run: v.trainingRun ? { id: v.trainingRun.id, trigger: v.trainingRun.trigger } : null,
      };
    }),
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
  };
}
