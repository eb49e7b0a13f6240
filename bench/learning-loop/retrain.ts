// Times a full retraining run (snapshot → train → evaluate → gate → register → promote) through the real
// BullMQ flow and sandboxed training process, on a fresh database holding one corpus.
//
//   npx tsx bench/learning-loop/retrain.ts [--data bootstrap|FILE.jsonl] [--preset bootstrap|full|small]
//
// --data bootstrap (default) trains on the generated bootstrap corpus as `npm start` stores it; a JSONL
// file (e.g. /work/shared/data/bitext-customer-service/bitext-customer-service.jsonl) is imported first,
// as `acsa data import` would. Uses DATABASE_URL / REDIS_URL's servers (a throwaway database and key prefix).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@acsa/core/logger';
import { generateCorpus } from '@acsa/corpus';
import { importDataset, prepareImport } from '@acsa/datasets';
import { createTestDatabase, createTestRedis, testServiceUrls } from '@acsa/db/testing';
import { ZTrainingPreset } from '@acsa/pipelines';
import { createTrainer } from '../../apps/trainer/src/trainer.ts';
import { insertDataset, waitForRun } from '../../apps/trainer/test/fixtures.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'bootstrap' },
    preset: { type: 'string', default: 'bootstrap' },
  },
});
const preset = ZTrainingPreset.parse(values.preset);
const urls = testServiceUrls();
const [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
const workDir = mkdtempSync(path.join(tmpdir(), 'acsa-bench-retrain-'));
try {
  let name = 'bootstrap';
  if (values.data === 'bootstrap') {
    await insertDataset(db.prisma, name, generateCorpus());
  } else {
    name = path.basename(values.data, '.jsonl');
    // Whatever taxonomy the file has (banking77's, clinc150's): the bench times retraining, not the shop's labels.
    const prepared = await prepareImport(values.data, { allowNewIntents: true });
    await importDataset(db.prisma, prepared, { name, skipInvalid: true });
  }
  const rows = await db.prisma.example.count();
  const trainer = await createTrainer({
    prisma: db.prisma,
    redisUrl: redis.url,
    prefix: `${redis.prefix}bull`,
    workDir,
    logger: createLogger({ name: 'bench', level: 'warn' }),
    triggers: null,
  });
  const started = performance.now();
  const { runId } = await trainer.requestRetrain({ trigger: 'MANUAL', config: { mode: 'direct', preset } });
  const run = await waitForRun(db.prisma, runId, ['SUCCEEDED', 'REJECTED', 'FAILED'], 3_600_000);
  const wall = (performance.now() - started) / 1000;
  await trainer.close();
  const steps = await db.prisma.trainingStep.findMany({ where: { runId }, orderBy: { position: 'asc' } });
  const train = steps.find((s) => s.name === 'train')?.output as {
    maxRssMb?: number;
    trainRows?: number;
  } | null;
  const gate = run.gate as { candidate?: { accuracy: number; macroF1: number } } | null;
  const secs = (s: (typeof steps)[number]) =>
    s.startedAt && s.finishedAt ? ((s.finishedAt.getTime() - s.startedAt.getTime()) / 1000).toFixed(1) : '—';
  console.log(`data ${name}: ${rows} rows (${train?.trainRows ?? '?'} trained on); preset ${preset}`);
  console.log(
    `run ${run.status.toLowerCase()} in ${wall.toFixed(1)} s: ${steps.map((s) => `${s.name} ${secs(s)} s`).join(', ')}`,
  );
  if (gate?.candidate)
    console.log(
      `test accuracy ${(gate.candidate.accuracy * 100).toFixed(2)} %, macro-F1 ${(gate.candidate.macroF1 * 100).toFixed(2)} %`,
    );
  console.log(
    `peak RSS: trainer ${Math.round(process.resourceUsage().maxRSS / 1024)} MB, training process ${train?.maxRssMb ?? '?'} MB`,
  );
} finally {
  await Promise.all([db.drop(), redis.cleanup()]);
  rmSync(workDir, { recursive: true, force: true });
}
