import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type PrismaClient, type RunStatus, withTransaction } from '@acsa/db';
import { runDir } from './run-guard.ts';

const DAY_MS = 24 * 60 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Runs that can never use their directory again, except through a dead-letter replay of a failed step. A
 * succeeded or rejected run's promote step removes its own, so one found here was left by a crash; the
 * registered model's bytes are in PostgreSQL (ModelVersion.artifact), never only in a run's directory.
 */
const ENDED: RunStatus[] = ['FAILED', 'CANCELLED', 'SUCCEEDED', 'REJECTED'];

export type TRunDirSweep = { dirs: number; bytes: number; runIds: string[] };

/** What a directory holds on disk, in bytes (links counted as themselves, never followed). */
async function sizeOf(p: string): Promise<number> {
  const s = await lstat(p).catch(() => null);
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  const entries = await readdir(p).catch(() => [] as string[]);
  let total = 0;
  for (const e of entries) total += await sizeOf(path.join(p, e));
  return total;
}

/**
 * Removes the working directories of runs that ended more than `retentionDays` ago. Failed runs' are kept
 * that long because a failed step replayed from the dead-letter queue resumes its run from them; past it,
 * the run is marked (`workDirRemovedAt`, and a line in its log) before its directory goes, so a later replay
 * is refused rather than resuming on missing files, and a replay just before keeps it (replayedAt). A directory whose run is unknown, or
 * still active, is left alone. Several trainers may sweep the shared directory at once: removal is forced.
 */
export async function sweepRunDirs(o: {
  prisma: PrismaClient;
  workDir: string;
  retentionDays: number;
  now?: Date;
}): Promise<TRunDirSweep> {
  const now = o.now ?? new Date();
  const names = await readdir(path.join(o.workDir, 'runs')).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const ids = names.filter((n) => UUID.test(n));
  if (!ids.length) return { dirs: 0, bytes: 0, runIds: [] };
  const cutoff = new Date(now.getTime() - o.retentionDays * DAY_MS);
  const expired = await o.prisma.trainingRun.findMany({
    where: { id: { in: ids }, status: { in: ENDED }, finishedAt: { lt: cutoff } },
    select: { id: true, workDirRemovedAt: true },
  });
  // Marked by one conditional UPDATE, which takes each row's lock and re-reads it: a dead-letter replay that
  // committed since the read above (it locks the row and stamps replayedAt) or a run that resumed no longer
  // matches, and its directory stays. Only what this marks, or an earlier sweep marked, is removed.
  const unmarked = expired.filter((r) => !r.workDirRemovedAt).map((r) => r.id);
  const marked = unmarked.length
    ? await withTransaction(
        o.prisma,
        async (tx) => {
          const rows = await tx.$queryRaw<{ id: string; finishedAt: Date }[]>`
            UPDATE "TrainingRun" SET "workDirRemovedAt" = ${now}
            WHERE id = ANY(${unmarked}::uuid[]) AND "workDirRemovedAt" IS NULL
              AND status::text = ANY(${ENDED}::text[]) AND "finishedAt" < ${cutoff}
              AND ("replayedAt" IS NULL OR "replayedAt" < ${cutoff})
            RETURNING id::text, "finishedAt"`;
          await tx.trainingLog.createMany({
            data: rows.map((r) => ({
              runId: r.id,
              level: 'info',
              message: `working directory removed ${Math.floor((now.getTime() - r.finishedAt.getTime()) / DAY_MS)} days after the run ended (RUN_DIR_RETENTION_DAYS ${o.retentionDays}): its steps can no longer be replayed`,
            })),
          });
          return rows.map((r) => r.id);
        },
        { isolationLevel: 'ReadCommitted' },
      )
    : [];
  const removable = [...expired.filter((r) => r.workDirRemovedAt).map((r) => r.id), ...marked];
  let bytes = 0;
  for (const id of removable) {
    const dir = runDir(o.workDir, id);
    bytes += await sizeOf(dir);
    await rm(dir, { recursive: true, force: true });
  }
  return { dirs: removable.length, bytes, runIds: removable };
}
