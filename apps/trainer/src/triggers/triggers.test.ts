import { createLogger } from '@acsa/core/logger';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { QUEUES, SCHEDULES } from '@acsa/pipelines';
import { createRetrainClient, type TRetrainClient } from '@acsa/pipelines/retrain';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrainOnDrift } from './drift-trigger.ts';
import { checkLabelTrigger } from './label-trigger.ts';
import { keepScheduled, upsertTriggerSchedules } from './schedules.ts';
import { createTriggerProcessor } from './trigger-processor.ts';

let db: TestDatabase;
let redis: TestRedis;
let connection: Redis;
let client: TRetrainClient;
let reviewer: string;
let seq = 0;

async function label(n: number) {
  const conversation = await db.prisma.conversation.create({ data: { sessionId: `s${seq}` } });
  for (let i = 0; i < n; i++) {
    const m = await db.prisma.message.create({
      data: { conversationId: conversation.id, seq: seq++, role: 'USER', text: `message ${seq}` },
    });
    await db.prisma.label.create({ data: { messageId: m.id, userId: reviewer, intent: 'track_order' } });
  }
}

const shadowAlert = () => ({
  reportId: '0190a0b0-0000-7000-8000-00000000000e',
  modelVersionId: '',
  modelVersion: 'intent-shadow',
  windowStart: '2026-11-26T01:00:00.000Z',
  windowEnd: '2026-11-26T02:00:00.000Z',
  n: 800,
  breaches: [{ metric: 'intentPsi', value: 0.71, threshold: 0.25 }],
});

const finishActiveRuns = () =>
  db.prisma.trainingRun.updateMany({
    where: { status: { in: ['QUEUED', 'RUNNING'] } },
    data: { status: 'SUCCEEDED', finishedAt: new Date() },
  });

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  client = createRetrainClient({ prisma: db.prisma, connection, prefix: `${redis.prefix}bull` });
  reviewer = (await db.prisma.user.create({ data: { email: 'r@example.com', name: 'R', role: 'REVIEWER' } }))
    .id;
});
afterAll(async () => {
  await client?.close();
  connection?.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('retraining triggers', () => {
  it('starts a run once enough labels arrived since the last run, and only one', async () => {
    const deps = { prisma: db.prisma, requestRetrain: client.request, threshold: 5 };
    await label(4);
    expect(await checkLabelTrigger(deps)).toMatchObject({ count: 4, result: null });
    await label(1);
    const hit = await checkLabelTrigger(deps);
    expect(hit.result).toMatchObject({ started: true });
    const run = await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: hit.result!.runId } });
    expect(run.trigger).toBe('LABELS');
    // The labels so far are the active run's; more arriving while it runs do not start a second one.
    expect(await checkLabelTrigger(deps)).toMatchObject({ count: 0, result: null });
    await label(5);
    expect((await checkLabelTrigger(deps)).result).toMatchObject({ started: false, runId: run.id });
    await finishActiveRuns();
    // Counting restarts at the last run: only the labels made while it ran are new now.
    const next = await checkLabelTrigger(deps);
    expect(next).toMatchObject({ count: 5, result: { started: true } });
    expect(next.result?.runId).not.toBe(run.id);
    await finishActiveRuns();
  });

  it('holds the next label run back after runs failed one after another, longer with each', async () => {
    const deps = { prisma: db.prisma, requestRetrain: client.request, threshold: 5 };
    const failedRun = (finishedAt: Date) =>
      db.prisma.trainingRun.create({
        data: { trigger: 'LABELS', mode: 'DIRECT', status: 'FAILED', error: 'train: disk full', finishedAt },
      });
    const at = (minutesAfter: number, from: Date) => () => new Date(from.getTime() + minutesAfter * 60_000);
    await label(5);
    const first = await failedRun(new Date());
    expect(await checkLabelTrigger({ ...deps, now: at(10, first.finishedAt!) })).toMatchObject({
      count: 5,
      result: null,
      failedInARow: 1,
      heldUntil: new Date(first.finishedAt!.getTime() + 15 * 60_000),
    });
    // Another failure: 30 minutes after it, not 15.
    const second = await failedRun(new Date());
    expect(await checkLabelTrigger({ ...deps, now: at(20, second.finishedAt!) })).toMatchObject({
      result: null,
      failedInARow: 2,
    });
    const started = await checkLabelTrigger({ ...deps, now: at(31, second.finishedAt!) });
    expect(started.result).toMatchObject({ started: true });
    await finishActiveRuns();
  });

  it('turns a drift alert into a run with the alert as its reason, once while a run is active', async () => {
    const production = '0190a0b0-0000-7000-8000-000000000002';
    const onDrift = retrainOnDrift({
      prisma: db.prisma,
      requestRetrain: client.request,
      productionVersionId: async () => production,
    });
    // The shadow's (or an experiment variant's) drift is for the drift page: no run by itself.
    expect(
      await onDrift({ ...shadowAlert(), modelVersionId: '0190a0b0-0000-7000-8000-00000000000f' }),
    ).toBeNull();
    expect(await db.prisma.trainingRun.count({ where: { trigger: 'DRIFT' } })).toBe(0);
    const alert = {
      reportId: '0190a0b0-0000-7000-8000-000000000001',
      modelVersionId: '0190a0b0-0000-7000-8000-000000000002',
      modelVersion: 'intent-2026.11.26-abc',
      windowStart: '2026-11-26T01:00:00.000Z',
      windowEnd: '2026-11-26T02:00:00.000Z',
      n: 800,
      breaches: [{ metric: 'intentPsi', value: 0.71, threshold: 0.25 }],
    };
    const first = await onDrift(alert);
    const second = await onDrift({ ...alert, windowStart: '2026-11-26T02:00:00.000Z' });
    expect([first?.started, second?.started]).toEqual([true, false]);
    expect(second?.runId).toBe(first?.runId);
    const run = await db.prisma.trainingRun.findUniqueOrThrow({
      where: { id: first?.runId },
      include: { logs: true },
    });
    expect(run.trigger).toBe('DRIFT');
    expect(run.logs.map((l) => l.message).join('\n')).toMatch(
      /drift on intent-2026\.11\.26-abc .*intentPsi 0\.710 > 0\.250/,
    );
    await finishActiveRuns();
  });

  it('holds a lasting drift back: no second drift run within the cooldown, nor after it without new labels', async () => {
    const production = '0190a0b0-0000-7000-8000-000000000002';
    const last = await db.prisma.trainingRun.findFirstOrThrow({
      where: { trigger: 'DRIFT' },
      orderBy: { createdAt: 'desc' },
    });
    expect(last.status).toBe('SUCCEEDED');
    const hour = 3_600_000;
    const at = (ms: number) => () => new Date(last.createdAt.getTime() + ms);
    const onDrift = (now: () => Date) =>
      retrainOnDrift({
        prisma: db.prisma,
        requestRetrain: client.request,
        productionVersionId: async () => production,
        cooldownMs: 24 * hour,
        now,
      });
    const alert = { ...shadowAlert(), modelVersionId: production, windowStart: '2026-11-26T05:00:00.000Z' };
    const nextAfter = new Date(last.createdAt.getTime() + 24 * hour);
    // The first run ended, the drift goes on: the next hour's alert starts nothing and says why.
    const held = await onDrift(at(2 * hour))(alert);
    expect(held).toMatchObject({ started: false, runId: last.id, held: { nextAfter } });
    expect(held?.message).toBe(
      `drift run ${last.id} started at ${last.createdAt.toISOString()}: the next may start after ${nextAfter.toISOString()}`,
    );
    // After the cooldown, retraining on the same data could not clear the drift: it waits for labels.
    expect(await onDrift(at(25 * hour))(alert)).toMatchObject({
      started: false,
      held: { waitingForLabels: true },
    });
    expect(await db.prisma.trainingRun.count({ where: { trigger: 'DRIFT' } })).toBe(1);
    await label(1);
    const next = await onDrift(at(25 * hour))(alert);
    expect(next).toMatchObject({ started: true });
    expect(next?.held).toBeUndefined();
    expect(await db.prisma.trainingRun.count({ where: { trigger: 'DRIFT' } })).toBe(2);
    await finishActiveRuns();
  });

  it('puts the schedules in place idempotently and runs a scheduled retrain in the configured mode', async () => {
    const queue = new Queue(QUEUES.retrainTriggers, { connection, prefix: `${redis.prefix}bull` });
    try {
      const on = { labelCheckEveryMs: 60_000, retrainCron: '0 3 * * 0', experimentCheckEveryMs: 30_000 };
      await upsertTriggerSchedules(queue, on);
      await upsertTriggerSchedules(queue, on);
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.every ?? s.pattern]).sort()).toEqual([
        [SCHEDULES.experimentCheck.id, 30_000],
        [SCHEDULES.experimentResults.id, SCHEDULES.experimentResults.everyMs],
        [SCHEDULES.labelCheck.id, 60_000],
        [SCHEDULES.runCheck.id, SCHEDULES.runCheck.everyMs],
        [SCHEDULES.runDirSweep.id, SCHEDULES.runDirSweep.everyMs],
        [SCHEDULES.retrain.id, '0 3 * * 0'],
      ]);
      await upsertTriggerSchedules(queue, {
        labelCheckEveryMs: null,
        retrainCron: null,
        experimentCheckEveryMs: null,
      });
      // The active run's check stays: a stuck run would block the button too; the sweep of ended runs'
      // directories, which would otherwise fill the disk; and the refresh of ended experiments' counts,
      // which the experiments page reads instead of counting.
      expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual([
        SCHEDULES.experimentResults.id,
        SCHEDULES.runCheck.id,
        SCHEDULES.runDirSweep.id,
      ]);
    } finally {
      await queue.close();
    }
    const process = createTriggerProcessor({
      prisma: db.prisma,
      requestRetrain: client.request,
      failStuckRun: client.failStuck,
      labelThreshold: 5,
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    const result = (await process({ data: { v: 1, kind: 'scheduled-retrain', mode: 'shadow' } } as Job)) as {
      runId: string;
    };
    const run = await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: result.runId } });
    expect(run).toMatchObject({ trigger: 'SCHEDULE', mode: 'SHADOW' });
    // No experiment runs here: the check decides nothing (experiments/auto-decide.test.ts covers decisions).
    expect(await process({ data: { v: 1, kind: 'experiment-check' } } as Job)).toEqual([]);
    // Nor any ended one to count (pipelines' ab-stored-results.test.ts covers the refresh).
    expect(await process({ data: { v: 1, kind: 'experiment-results' } } as Job)).toEqual({ counted: [] });
    // The run just queued can still end: the run check leaves it.
    expect(await process({ data: { v: 1, kind: 'run-check' } } as Job)).toEqual({ failed: null });
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: result.runId } })).toMatchObject({
      status: 'QUEUED',
    });
    await expect(process({ data: { v: 1, kind: 'sometimes' } } as Job)).rejects.toThrow(
      /invalid trigger payload/,
    );
  });

  it('puts the schedules back when Redis comes back without them', async () => {
    const own = new Redis(redis.url, { maxRetriesPerRequest: null });
    const prefix = `${redis.prefix}bull-kept`;
    const queue = new Queue(QUEUES.retrainTriggers, { connection: own, prefix });
    const off = { labelCheckEveryMs: null, retrainCron: null, experimentCheckEveryMs: null };
    const errors: Error[] = [];
    const stop = keepScheduled(
      own,
      () => upsertTriggerSchedules(queue, off),
      (e) => errors.push(e),
    );
    const always = [SCHEDULES.experimentResults.id, SCHEDULES.runCheck.id, SCHEDULES.runDirSweep.id];
    const keys = async () => (await queue.getJobSchedulers()).map((s) => s.key).sort();
    try {
      await upsertTriggerSchedules(queue, off);
      expect(await keys()).toEqual(always);
      // Redis restarted without its data: the schedulers are gone, and the connection comes back.
      await own.del(...(await own.keys(`${prefix}:*`)));
      expect(await keys()).toEqual([]);
      own.disconnect(true);
      await expect.poll(keys, { timeout: 10_000 }).toEqual(always);
      expect(errors).toEqual([]);
    } finally {
      stop();
      await queue.close();
      own.disconnect();
    }
  });
});
