import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { withTransaction } from '@acsa/db';
import { registerModelVersion } from '@acsa/db/registry';
import { ZManifest } from '@acsa/ml/manifest';
import type { TFlowContext, TRegisterOutput } from '@acsa/pipelines';
import { need } from './flow-context.ts';
import { lockRunNotCancelled } from './run-guard.ts';
import type { TStepDeps } from './step-deps.ts';
import type { TReporter } from './step-reporter.ts';

/**
 * The version name a run's candidate gets: derived from the run alone, so a register step that crashed
 * after writing and runs again finds its own row instead of adding a second version.
 */
export function candidateVersionName(run: { id: string; createdAt: Date }): string {
  const day = run.createdAt.toISOString().slice(0, 10).replaceAll('-', '.');
  return `intent-${day}-${run.id.replaceAll('-', '').slice(-8)}`;
}

/**
 * Registers a candidate the gate passed (idempotent by name + sha256); skips one it rejected. Never for a
 * cancelled run: the version is written under the run's row lock, after its status is checked.
 */
export async function registerStep(
  deps: TStepDeps,
  runId: string,
  ctx: TFlowContext,
  report: TReporter,
): Promise<TRegisterOutput> {
  if (!need(ctx, 'gate').passed) return { skipped: true, versionId: null, version: null };
  const snap = need(ctx, 'snapshot');
  const train = need(ctx, 'train');
  const run = await deps.prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } });
  const version = candidateVersionName(run);
  const manifest = ZManifest.parse(
    JSON.parse(await readFile(path.join(train.bundleDir, 'manifest.json'), 'utf8')),
  );
  const onnx = await readFile(path.join(train.bundleDir, manifest.model.file));
  // Serving reports manifest.name as the version it answers with.
  const named = { ...manifest, name: version };
  const row = await withTransaction(
    deps.prisma,
    async (tx) => {
      await lockRunNotCancelled(tx, runId);
      return registerModelVersion(tx, {
        version,
        kind: manifest.variant,
        manifest: named,
        onnx,
        datasetVersionId: snap.datasetVersionId,
        trainingRunId: runId,
        parentVersionId: snap.production?.versionId ?? null,
        createdById: run.requestedById,
      });
    },
    // The run's row lock orders attempts of this run; the bytes may take a while to write.
    { isolationLevel: 'ReadCommitted', timeoutMs: 60_000 },
  );
  report.log(
    `registered ${version} (${(row.sizeBytes / 1e6).toFixed(1)} MB, sha256 ${row.sha256.slice(0, 12)})`,
  );
  return { skipped: false, versionId: row.id, version };
}
