import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uuidv7 } from '@acsa/core/ids';
import { createLogger } from '@acsa/core/logger';
import { normalizeKey } from '@acsa/corpus/split';
import { bulkInsert, type PrismaClient, type RunStatus } from '@acsa/db';
import { registerModelVersion } from '@acsa/db/registry';
import { expect } from 'vitest';
import { createTrainer, type TTrainer, type TTrainerOptions } from '../src/trainer.ts';

const SPLIT = { train: 'TRAIN', dev: 'DEV', test: 'TEST' } as const;

/** Stores rows as the next version of a dataset (what `acsa data import` or the seed would leave). */
export async function insertDataset(
  prisma: PrismaClient,
  name: string,
  rows: ReadonlyArray<{
    text: string;
    intent: string;
    split: 'train' | 'dev' | 'test';
    entities?: unknown[];
  }>,
): Promise<string> {
  const dataset = await prisma.dataset.upsert({ where: { name }, create: { name }, update: {} });
  const last = await prisma.datasetVersion.aggregate({
    where: { datasetId: dataset.id },
    _max: { version: true },
  });
  const seen = new Set<string>();
  const unique = rows.filter((r) => !seen.has(normalizeKey(r.text)) && seen.add(normalizeKey(r.text)));
  const version = await prisma.datasetVersion.create({
    data: {
      datasetId: dataset.id,
      version: (last._max.version ?? 0) + 1,
      source: 'IMPORT',
      meta: {},
      counts: {},
      exampleCount: unique.length,
    },
  });
  await prisma.$transaction((tx) =>
    bulkInsert(
      tx,
      'Example',
      unique.map((r, i) => ({
        id: uuidv7(),
        datasetVersionId: version.id,
        text: r.text,
        key: normalizeKey(r.text),
        intent: r.intent,
        entities: r.entities ?? [],
        source: 'IMPORT',
        split: SPLIT[r.split],
        origin: `${name}:${i + 1}`,
      })),
    ),
  );
  return version.id;
}

/** Customer messages a reviewer labelled (one conversation; the reviewer is created if needed). */
export async function addLabels(
  prisma: PrismaClient,
  labelled: ReadonlyArray<{ text: string; intent: string }>,
): Promise<void> {
  const reviewer = await prisma.user.upsert({
    where: { email: 'labeller@example.com' },
    create: { email: 'labeller@example.com', name: 'Lab Eller', role: 'REVIEWER' },
    update: {},
  });
  const conversation = await prisma.conversation.create({ data: { sessionId: `labels-${uuidv7()}` } });
  for (const [seq, l] of labelled.entries()) {
    const message = await prisma.message.create({
      data: { conversationId: conversation.id, seq, role: 'USER', text: l.text },
    });
    await prisma.label.create({ data: { messageId: message.id, userId: reviewer.id, intent: l.intent } });
  }
}

export async function registerBundleDir(prisma: PrismaClient, dir: string, version: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  const onnx = await readFile(path.join(dir, 'model.onnx'));
  manifest.name = version;
  return (await registerModelVersion(prisma, { version, kind: manifest.variant, manifest, onnx })).id;
}

/** Polls a run until it reaches one of `statuses` (or fails the test after `timeoutMs`). */
export async function waitForRun(
  prisma: PrismaClient,
  runId: string,
  statuses: RunStatus[],
  timeoutMs = 120_000,
): Promise<NonNullable<Awaited<ReturnType<PrismaClient['trainingRun']['findUnique']>>>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } });
    if (statuses.includes(run.status)) return run;
    if (Date.now() > until)
      throw new Error(`run ${runId} is ${run.status} after ${timeoutMs} ms (error: ${run.error ?? 'none'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A trainer on a test database and Redis namespace, with short retry delays and no schedules. */
export function startTestTrainer(
  o: { prisma: PrismaClient; redisUrl: string; prefix: string },
  options: Partial<TTrainerOptions> = {},
): Promise<TTrainer> {
  return createTrainer({
    prisma: o.prisma,
    redisUrl: o.redisUrl,
    prefix: `${o.prefix}bull`,
    workDir: mkdtempSync(path.join(tmpdir(), 'acsa-trainer-')),
    logger: createLogger({ name: 'trainer-test', level: 'silent' }),
    backoffMs: 100,
    triggers: null,
    cpuHeapMb: 2048,
    ...options,
  });
}

/** A run's configuration for tests of the flow's mechanics: a tiny model, a gate that passes it. */
export const TINY = {
  mode: 'none' as const,
  preset: 'small' as const,
  teacher: { epochs: 3 },
  student: { epochs: 2 },
  gate: { minAccuracy: 0, minMacroF1: 0, minOosRecall: 0 },
};

/** The processes `parentPid` forked to run sandboxed steps (BullMQ's child entry point in their args). */
export function sandboxPids(parentPid = process.pid): number[] {
  let listing: string;
  try {
    listing = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parentPid)], { encoding: 'utf8' });
  } catch (e) {
    // ps exits with 1 when it lists nothing: the parent has no child (yet).
    if ((e as { status?: number }).status === 1) return [];
    throw e;
  }
  return listing
    .split('\n')
    .filter((l) => l.includes('bullmq'))
    .map((l) => Number.parseInt(l.trim(), 10));
}

/** Gate thresholds for small test models (the defaults are for production-size ones). */
export const TEST_GATE = { minAccuracy: 0.6, minMacroF1: 0.55, minOosRecall: 0.2 };

/** Resolves once a run's train step is running and has reported some progress (fails after `timeoutMs`). */
export async function trainingUnderWay(
  prisma: PrismaClient,
  runId: string,
  timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const step = await prisma.trainingStep.findUnique({ where: { runId_name: { runId, name: 'train' } } });
    if (step?.status === 'RUNNING' && step.progress >= 10) return;
    if (Date.now() > until)
      throw new Error(`training of run ${runId} never got under way in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Asserts that a run whose training was interrupted once completed with exactly one new version
 * (`versionsBefore` being how many there were when it started), its train step on the second attempt;
 * returns the train step's log lines for the caller's own checks.
 */
export async function expectOneVersionAfterRetry(
  prisma: PrismaClient,
  runId: string,
  versionsBefore: number,
  timeoutMs?: number,
): Promise<string[]> {
  const run = await waitForRun(prisma, runId, ['SUCCEEDED', 'REJECTED', 'FAILED'], timeoutMs);
  expect(run.status, run.error ?? '').toBe('SUCCEEDED');
  expect(await prisma.modelVersion.count({ where: { trainingRunId: runId } })).toBe(1);
  expect(await prisma.modelVersion.count()).toBe(versionsBefore + 1);
  const train = await prisma.trainingStep.findUniqueOrThrow({
    where: { runId_name: { runId, name: 'train' } },
  });
  expect(train).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  const logs = await prisma.trainingLog.findMany({ where: { runId, step: 'train' }, orderBy: { id: 'asc' } });
  return logs.map((l) => l.message);
}
