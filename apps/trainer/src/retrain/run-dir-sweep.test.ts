import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@acsa/core/logger';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { QUEUES } from '@acsa/pipelines';
import { listDeadLetters, replayDeadLetterFromConsole } from '@acsa/pipelines/dead-letters';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTriggerProcessor } from '../triggers/trigger-processor.ts';
import { sweepRunDirs } from './run-dir-sweep.ts';
import { runDir } from './run-guard.ts';

const DAY_MS = 24 * 60 * 60_000;
const STEPS = 'acsa.sweep-run-step.v1';
/** As `acsa dlq replay` records its user. */
const cli = { type: 'USER' as const, display: 'cli:eli' };

let db: TestDatabase;
let redis: TestRedis;
let deps: { connection: Redis; prefix: string };
let workDir: string;
const queues: Queue[] = [];
const open = (name: string) => {
  const q = new Queue(name, deps);
  queues.push(q);
  return q;
};

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  deps = { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: `${redis.prefix}bull` };
  workDir = await mkdtemp(path.join(tmpdir(), 'acsa-sweep-'));
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  deps?.connection.disconnect();
  if (workDir) await rm(workDir, { recursive: true, force: true });
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

/** A run as a step leaves it on disk: 1,000 bytes of data and a 500-byte production bundle. */
async function runWithDir(status: 'FAILED' | 'SUCCEEDED' | 'RUNNING', endedDaysAgo: number | null) {
  const finishedAt = endedDaysAgo === null ? null : new Date(Date.now() - endedDaysAgo * DAY_MS);
  const run = await db.prisma.trainingRun.create({
    data: { trigger: 'MANUAL', mode: 'DIRECT', status, startedAt: new Date(0), finishedAt },
  });
  const dir = runDir(workDir, run.id);
  await mkdir(path.join(dir, 'production'), { recursive: true });
  await writeFile(path.join(dir, 'data.jsonl'), 'x'.repeat(1000));
  await writeFile(path.join(dir, 'production', 'model.onnx'), 'y'.repeat(500));
  return { ...run, dir };
}

/** The run's train step failed for good and went to the dead-letter queue, as the trainer leaves it. */
async function deadLetterOf(runId: string, jobId: string): Promise<string> {
  const steps = open(STEPS);
  const data = { v: 1, runId, step: 'train' };
  await steps.add('train', data, { jobId });
  const worker = new Worker<unknown, unknown>(
    STEPS,
    async () => {
      throw new UnrecoverableError('boom');
    },
    deps,
  );
  await expect.poll(() => steps.getJobState(jobId)).toBe('failed');
  await worker.close();
  const letter = await open(QUEUES.deadLetters).add('dead', {
    v: 1,
    queue: STEPS,
    jobId,
    name: 'train',
    data,
    error: 'boom',
    stack: null,
    attemptsMade: 3,
    failedAt: new Date().toISOString(),
  });
  return String(letter.id);
}

describe('the sweep of ended runs’ directories', () => {
  it('frees the directories of runs ended past their retention, logs what it freed, and refuses a replay that needs one', async () => {
    const oldFailed = await runWithDir('FAILED', 20);
    const recentFailed = await runWithDir('FAILED', 3);
    const oldSucceeded = await runWithDir('SUCCEEDED', 30);
    const active = await runWithDir('RUNNING', null);
    // The succeeded run's registered model lives in PostgreSQL, not in its directory.
    const model = await db.prisma.modelVersion.create({
      data: {
        version: 'intent-swept',
        kind: 'student-int8',
        manifest: {},
        sha256: 'intent-swept',
        sizeBytes: 3,
        featurizerVersion: 1,
        labels: ['a'],
        metrics: {},
        artifact: Buffer.from('onx'),
        trainingRunId: oldSucceeded.id,
      },
    });
    const stranger = path.join(workDir, 'runs', '0190a0b0-0000-7000-8000-0000000000ff');
    await mkdir(stranger, { recursive: true });
    const oldLetter = await deadLetterOf(oldFailed.id, 'old-train');
    const recentLetter = await deadLetterOf(recentFailed.id, 'recent-train');

    const lines: string[] = [];
    const processor = createTriggerProcessor({
      prisma: db.prisma,
      requestRetrain: async () => {
        throw new Error('no retrain in this test');
      },
      failStuckRun: async () => null,
      sweepRunDirs: () => sweepRunDirs({ prisma: db.prisma, workDir, retentionDays: 14 }),
      labelThreshold: 0,
      logger: createLogger({ name: 'test', destination: { write: (s: string) => lines.push(s) } }),
    });
    const sweep = { data: { v: 1, kind: 'run-dir-sweep' } } as Job;
    expect(await processor(sweep)).toEqual({ dirs: 2, bytes: 3000 });
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['run directories swept: 2 removed, 0.0 MB freed']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ dirs: 2, bytes: 3000 });
    expect([oldFailed, oldSucceeded].map((r) => existsSync(r.dir))).toEqual([false, false]);
    // Within retention, still running, or of no run this database knows: kept.
    expect([recentFailed.dir, active.dir, stranger].map((d) => existsSync(d))).toEqual([true, true, true]);
    const kept = await db.prisma.modelVersion.findUniqueOrThrow({ where: { id: model.id } });
    expect(Buffer.from(kept.artifact!).toString()).toBe('onx');
    // The run's page says so.
    expect(
      (await db.prisma.trainingLog.findMany({ where: { runId: oldFailed.id } })).map((l) => l.message),
    ).toEqual([
      'working directory removed 20 days after the run ended (RUN_DIR_RETENTION_DAYS 14): its steps can no longer be replayed',
    ]);

    // A replay of the swept run's step is refused, naming why, and its letter stays.
    const refused = replayDeadLetterFromConsole(db.prisma, cli, deps, oldLetter);
    await expect(refused).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(refused).rejects.toThrow(
      `run ${oldFailed.id.slice(0, 8)}'s working directory was removed 20 days after the run ended (RUN_DIR_RETENTION_DAYS), and replaying its step needs it: nothing was replayed and the dead letter is kept; start a new retraining run`,
    );
    expect((await listDeadLetters(deps, { q: 'old-train' })).map((l) => l.id)).toEqual([oldLetter]);
    expect(await open(STEPS).getJobState('old-train')).toBe('failed');
    expect(await db.prisma.auditLog.count({ where: { action: 'dead-letter.replay' } })).toBe(0);

    // A run within its retention still replays (once no other run is active). A second sweep frees nothing.
    await db.prisma.trainingRun.update({
      where: { id: active.id },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
    expect(await replayDeadLetterFromConsole(db.prisma, cli, deps, recentLetter)).toMatchObject({
      how: 'retried',
      runId: recentFailed.id,
    });
    expect(await sweepRunDirs({ prisma: db.prisma, workDir, retentionDays: 14 })).toEqual({
      dirs: 0,
      bytes: 0,
      runIds: [],
    });
  });

  it('keeps the directory of a run whose step was replayed just before the sweep marked it', async () => {
    await db.prisma.trainingRun.updateMany({
      where: { status: 'RUNNING' },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
    const old = await runWithDir('FAILED', 20);
    const letter = await deadLetterOf(old.id, 'raced-train');
    // The sweep has read the run as expired (a sweep between its read and its mark is what this holds):
    // a replay commits in between, and the sweep's mark then finds the run replayed.
    const read = await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: old.id } });
    expect(read.workDirRemovedAt).toBeNull();
    expect(await replayDeadLetterFromConsole(db.prisma, cli, deps, letter)).toMatchObject({
      how: 'retried',
      runId: old.id,
    });
    const swept = await sweepRunDirs({ prisma: db.prisma, workDir, retentionDays: 14 });
    expect(swept.runIds).not.toContain(old.id);
    expect(existsSync(old.dir)).toBe(true);
    const after = await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: old.id } });
    expect(after.workDirRemovedAt).toBeNull();
    expect(after.replayedAt).not.toBeNull();
  });
});
