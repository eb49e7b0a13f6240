// The first model: when nothing is in production, train one on the bootstrap corpus (dataset "bootstrap":
// stored by the seed, or here, with the shop's own product names, when no seed ran), register it and point
// `production` at it, so the agent answers from the first start. `npm start`, compose's `migrate` and the
// Kubernetes Job `first-model` run it; it does nothing once any model is in production.
//
//   DATABASE_URL, REDIS_URL   as for the apps (defaults: the local services)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { baseEnvShape, parseEnvOrExit } from '@acsa/core/env';
import { createPrisma } from '@acsa/db';
import { moveAlias, registerModelVersion } from '@acsa/db/registry';
import { trainFactory } from '@acsa/ml/train';
import { announceAliasMove } from '@acsa/pipelines';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { stageProgress } from '../packages/cli/src/commands/train.ts';
import { seedBootstrapCorpus } from '../prisma/seed/corpus.ts';

const env = parseEnvOrExit(
  z.object({ DATABASE_URL: baseEnvShape.DATABASE_URL, REDIS_URL: baseEnvShape.REDIS_URL }),
  process.env,
);
const url = env.DATABASE_URL;
const redisUrl = env.REDIS_URL;

/**
 * Sized to train in about half a minute on 2 cores: one teacher, a narrow student. The retraining pipeline
 * trains full-size models later; this one only has to be good enough to start learning from.
 */
const SPEC = {
  teacher: { members: 1, embDim: 128, buckets: 1 << 16, epochs: 6 },
  student: { embDim: 48, buckets: 1 << 15, epochs: 6 },
  seed: 1,
};

const prisma = createPrisma({ url, max: 2 });
try {
  const current = await prisma.modelAlias.findUnique({
    where: { name: 'production' },
    include: { modelVersion: true },
  });
  if (current) {
    console.log(`production model: ${current.modelVersion.version}`);
  } else {
    // A shop that never ran the demo seed: the corpus is generated here, its product questions naming what
    // the shop sells (the generator's own names when its catalogue is still empty).
    const products = await prisma.product.findMany({
      select: { name: true },
      orderBy: { sku: 'asc' },
      take: 500,
    });
    const stored = await seedBootstrapCorpus(prisma, {
      seed: 42,
      productNames: products.length ? products.map((p) => p.name) : undefined,
    });
    if (stored) console.log(`bootstrap corpus stored: ${stored.examples} examples`);
    const dataset = await prisma.datasetVersion.findFirst({
      where: { dataset: { name: 'bootstrap' } },
      orderBy: { version: 'desc' },
      include: { examples: { select: { text: true, intent: true, split: true } } },
    });
    if (!dataset) throw new Error('the bootstrap dataset has no version');
    const dir = path.resolve('var', 'bootstrap-model', dataset.id);
    mkdirSync(dir, { recursive: true });
    const data = path.join(dir, 'bootstrap.jsonl');
    writeFileSync(
      data,
      dataset.examples
        .map((e) => JSON.stringify({ text: e.text, intent: e.intent, split: e.split.toLowerCase() }))
        .join('\n'),
    );
    console.log(`training the first model on the bootstrap corpus (${dataset.examples.length} examples)…`);
    const progress = stageProgress(true);
    const started = performance.now();
    const result = await trainFactory({
      files: [data],
      out: path.join(dir, 'bundles'),
      ...SPEC,
      onProgress: progress.update,
    });
    progress.stop();
    const int8 = result.bundles.find((b) => b.variant === 'student-int8');
    if (!int8) throw new Error('training produced no student-int8 bundle');
    const onnx = readFileSync(path.join(int8.dir, 'model.onnx'));
    const version = `intent-bootstrap-${new Date().toISOString().slice(0, 10)}-${int8.manifest.model.sha256.slice(0, 8)}`;
    const manifest = { ...int8.manifest, name: version };
    const row = await registerModelVersion(prisma, {
      version,
      kind: 'student-int8',
      manifest,
      onnx,
      datasetVersionId: dataset.id,
    });
    await moveAlias(prisma, {
      alias: 'production',
      toVersionId: row.id,
      kind: 'PROMOTE',
      actor: { type: 'SYSTEM', display: 'system:bootstrap' },
      reason: 'first model, trained on the bootstrap corpus',
    });
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis
      .connect()
      .then(() => announceAliasMove(redis, 'production', row.id))
      .catch(() => undefined);
    redis.disconnect();
    // The registry holds the model now; the corpus file and the other bundles (~40 MB) are not needed again.
    rmSync(dir, { recursive: true, force: true });
    const acc = (int8.manifest.metrics.dev.accuracy * 100).toFixed(1);
    console.log(
      `${version} is in production: dev accuracy ${acc} %, ${(onnx.byteLength / 1e6).toFixed(1)} MB, trained in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
} catch (e) {
  console.error(`error: the first model could not be made: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
