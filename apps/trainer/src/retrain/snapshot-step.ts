import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { uuidv7 } from '@acsa/core/ids';
import { bulkInsert, type PrismaClient, withTransaction } from '@acsa/db';
import { SNAPSHOT_DATASET, type TSnapshotOutput, trainingSpec, ZRetrainConfig } from '@acsa/pipelines';
import { runDir } from './run-guard.ts';
import { buildSnapshotRows } from './snapshot-rows.ts';
import { loadSnapshotSources } from './snapshot-sources.ts';
import type { TStepDeps } from './step-deps.ts';
import type { TReporter } from './step-reporter.ts';

/**
 * Freezes what this run trains and is judged on as a new version of the snapshot dataset, then writes it
 * (and production's bundle) to the run's directory for the CPU steps. Idempotent: the version id is stored
 * on the run in the transaction that creates it, so a rerun exports the same version again.
 */
export async function snapshotStep(
  deps: TStepDeps,
  runId: string,
  report: TReporter,
  signal?: AbortSignal,
): Promise<TSnapshotOutput> {
  const { prisma } = deps;
  const run = await prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } });
  const config = ZRetrainConfig.parse(run.config);
  const versionId = run.datasetVersionId ?? (await createSnapshot(prisma, runId, config, report));
  signal?.throwIfAborted();
  report.progress(60, 'writing the data files');
  const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
  const examples = await prisma.example.findMany({
    where: { datasetVersionId: versionId },
    select: { text: true, intent: true, split: true },
    orderBy: { id: 'asc' },
  });
  const dir = runDir(deps.workDir, runId);
  await mkdir(dir, { recursive: true });
  const jsonl = (rows: typeof examples) =>
    rows
      .map((e) => JSON.stringify({ text: e.text, intent: e.intent, split: e.split.toLowerCase() }))
      .join('\n');
  const dataFile = path.join(dir, 'data.jsonl');
  const testFile = path.join(dir, 'test.jsonl');
  await writeFile(dataFile, jsonl(examples.filter((e) => e.split !== 'TEST')));
  await writeFile(testFile, jsonl(examples.filter((e) => e.split === 'TEST')));
  signal?.throwIfAborted();
  report.progress(85, 'writing production’s bundle');
  const production = await writeProduction(prisma, path.join(dir, 'production'), report);
  const meta = version.meta as { counts?: TSnapshotOutput['counts'] };
  const spec = trainingSpec(config);
  report.log(
    `dataset ${SNAPSHOT_DATASET} v${version.version}: ${meta.counts?.train} train, ${meta.counts?.dev} dev, ${meta.counts?.test} test rows; ${meta.counts?.labels} from reviewers' labels; production ${production?.version ?? 'none'}`,
  );
  return {
    datasetVersionId: versionId,
    datasetVersion: version.version,
    dir,
    dataFile,
    testFile,
    production,
    training: { ...spec, seed: config.seed },
    counts: meta.counts ?? { train: 0, dev: 0, test: 0, labels: 0, heldBack: 0, testFrozenFrom: null },
  };
}

async function createSnapshot(
  prisma: PrismaClient,
  runId: string,
  config: ReturnType<typeof ZRetrainConfig.parse>,
  report: TReporter,
): Promise<string> {
  const src = await loadSnapshotSources(prisma, config);
  if (src.sources.length === 0 && src.labels.length === 0)
    throw new Error(
      `nothing to train on: no dataset${config.datasets ? ` named ${config.datasets.join(', ')}` : ''} and no labels`,
    );
  report.progress(30, 'combining sources, labels and the frozen test split');
  const { rows, counts } = buildSnapshotRows(src);
  const intents: Record<string, number> = {};
  for (const r of rows) intents[r.intent] = (intents[r.intent] ?? 0) + 1;
  const fullCounts = { ...counts, testFrozenFrom: src.frozenFrom };
  return withTransaction(
    prisma,
    async (tx) => {
      const [locked] = await tx.$queryRaw<{ datasetVersionId: string | null }[]>`
        SELECT "datasetVersionId" FROM "TrainingRun" WHERE id = ${runId}::uuid FOR UPDATE`;
      if (locked?.datasetVersionId) return locked.datasetVersionId;
      await tx.$executeRaw`INSERT INTO "Dataset" ("id", "name", "description")
        VALUES (${uuidv7()}::uuid, ${SNAPSHOT_DATASET}, 'What each retraining run trained on and was tested on')
        ON CONFLICT ("name") DO NOTHING`;
      const [dataset] = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Dataset" WHERE name = ${SNAPSHOT_DATASET} FOR UPDATE`;
      const last = await tx.datasetVersion.aggregate({
        where: { datasetId: dataset!.id },
        _max: { version: true },
      });
      const version = await tx.datasetVersion.create({
        data: {
          datasetId: dataset!.id,
          version: (last._max.version ?? 0) + 1,
          source: 'SNAPSHOT',
          meta: { runId, sources: src.described, counts: fullCounts },
          counts: { train: counts.train, dev: counts.dev, test: counts.test, intents },
          exampleCount: rows.length,
        },
      });
      await bulkInsert(
        tx,
        'Example',
        rows.map((r) => ({ id: uuidv7(), datasetVersionId: version.id, ...r })),
      );
      await tx.trainingRun.update({ where: { id: runId }, data: { datasetVersionId: version.id } });
      return version.id;
    },
    { isolationLevel: 'ReadCommitted', timeoutMs: 300_000 },
  );
}

/** Production's bundle as files, for evaluation beside the candidate; null when nothing is in production. */
async function writeProduction(prisma: PrismaClient, dir: string, report: TReporter) {
  const alias = await prisma.modelAlias.findUnique({
    where: { name: 'production' },
    include: { modelVersion: { select: { id: true, version: true, artifact: true, manifest: true } } },
  });
  await rm(dir, { recursive: true, force: true });
  if (!alias) return null;
  const v = alias.modelVersion;
  if (!v.artifact) {
    report.log(`production ${v.version} has no stored bytes; the gate will not compare with it`, 'warn');
    return null;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.onnx'), v.artifact);
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(v.manifest));
  return { versionId: v.id, version: v.version, bundleDir: dir };
}
