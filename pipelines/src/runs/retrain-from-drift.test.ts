import {
  bareModelVersion,
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
  withAuditRefused,
} from '@acsa/db/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { driftWindow } from '../analytics/drift-window.ts';
import { QUEUES } from '../queues.ts';
import { createRetrainClient, type TRetrainClient } from '../retrain/retrain-client.ts';
import { stepJobId } from '../retrain/steps.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { retrainFromDriftReport } from './retrain-from-drift.ts';

let db: TestDatabase;
let redis: TestRedis;
let client: TRetrainClient;
let queue: Queue;
let connection: Redis;
let eli: TActor;
let alerting: string;
let quiet: string;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  client = createRetrainClient({ prisma: db.prisma, connection, prefix: `${redis.prefix}bull` });
  queue = new Queue(QUEUES.retrain, { connection, prefix: `${redis.prefix}bull` });
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
  const v = await bareModelVersion(db.prisma, 'intent-rfd');
  const report = (h: number, alert: boolean) =>
    db.prisma.driftReport.create({
      data: {
        modelVersionId: v.id,
        windowStart: new Date(`2026-11-26T${h}:00:00Z`),
        windowEnd: new Date(`2026-11-26T${h + 1}:00:00Z`),
        n: 160,
        intentPsi: alert ? 4 : 0.1,
        intentJs: 0.02,
        confidencePsi: 0.1,
        lengthPsi: 0.1,
        unknownTokenRate: 0.04,
        details: {
          intents: [
            { name: 'track_order', reference: 0.75, live: 20 },
            { name: '<out-of-scope>', reference: 0.25, live: 140 },
          ],
          confidence: { edges: [0, 0.5, 1], reference: [30, 70], live: [120, 40] },
          length: { edges: [0, 10, 1e9], reference: [90, 10], live: [40, 120] },
          ks: {
            confidence: { d: 0.45, p: 1e-12, n1: 100, n2: 160 },
            length: { d: 0.65, p: 1e-20, n1: 100, n2: 160 },
          },
          breaches: alert ? [{ metric: 'intentPsi', value: 4, threshold: 0.648 }] : [],
        },
        alert,
      },
    });
  alerting = (await report(10, true)).id;
  quiet = (await report(11, false)).id;
});
afterAll(async () => {
  await Promise.all([client?.close(), queue?.close()]);
  connection?.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('retrain from a drift alert', () => {
  it('starts a DRIFT run naming the report, audited, and refuses a second while it is active', async () => {
    const r = await retrainFromDriftReport(db.prisma, eli, client, { reportId: alerting });
    expect(r).toMatchObject({ started: true, status: 'QUEUED', reportId: alerting });
    const run = await db.prisma.trainingRun.findUniqueOrThrow({
      where: { id: r.runId },
      include: { logs: true },
    });
    expect(run).toMatchObject({ trigger: 'DRIFT', requestedById: eli.id });
    expect(run.logs[0]?.message).toContain(`retrain from drift report ${alerting}`);
    expect(run.logs[0]?.message).toContain('intentPsi 4.000 > 0.648');
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'drift.retrain' } });
    expect(audit).toMatchObject({ actorId: eli.id, targetType: 'DriftReport', targetId: alerting });

    await expect(
      retrainFromDriftReport(db.prisma, eli, client, { reportId: alerting }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `a retraining run from this alert is already queued (run ${r.runId}); no second one started`,
    });
    expect((await driftWindow(db.prisma, alerting))?.activeRun).toMatchObject({
      id: r.runId,
      status: 'QUEUED',
    });

    // Once that run ended, the alert may start another.
    await db.prisma.trainingRun.update({ where: { id: r.runId }, data: { status: 'FAILED' } });
    const again = await retrainFromDriftReport(db.prisma, eli, client, { reportId: alerting });
    expect(again).toMatchObject({ started: true });
    expect(again.runId).not.toBe(r.runId);
    expect((await driftWindow(db.prisma, alerting))?.runs.map((x) => x.id)).toEqual([again.runId, r.runId]);
  });

  it('stores the run with the entry that links it to the report, or neither, and queues nothing without it', async () => {
    // No run from an earlier test may be active: this one must be able to start a run.
    await db.prisma.trainingRun.updateMany({
      where: { status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'FAILED' },
    });
    const runs = () => db.prisma.trainingRun.count();
    const jobs = async () => (await queue.getJobs()).length;
    const entries = () => db.prisma.auditLog.count({ where: { action: 'drift.retrain' } });
    const [runsBefore, jobsBefore, entriesBefore] = [await runs(), await jobs(), await entries()];
    await withAuditRefused(db.prisma, 'drift.retrain', async () => {
      await expect(retrainFromDriftReport(db.prisma, eli, client, { reportId: alerting })).rejects.toThrow(
        /audit log refused/,
      );
      expect([await runs(), await jobs(), await entries()]).toEqual([runsBefore, jobsBefore, entriesBefore]);
    });

    const r = await retrainFromDriftReport(db.prisma, eli, client, { reportId: alerting });
    expect(r).toMatchObject({ started: true, status: 'QUEUED', reportId: alerting });
    expect(await runs()).toBe(runsBefore + 1);
    expect(await queue.getJob(stepJobId(r.runId, 'snapshot'))).toBeDefined();
    const entry = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'drift.retrain' },
      orderBy: { id: 'desc' },
    });
    expect(entry).toMatchObject({ actorId: eli.id, actor: eli.email, targetId: alerting });
    expect(entry.data).toMatchObject({ before: null, after: { runId: r.runId, started: true } });
    expect((await driftWindow(db.prisma, alerting))?.activeRun).toMatchObject({ id: r.runId });
  });

  it('refuses a window that did not alert and an unknown report', async () => {
    await expect(retrainFromDriftReport(db.prisma, eli, client, { reportId: quiet })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      retrainFromDriftReport(db.prisma, eli, client, { reportId: '00000000-0000-7000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('shows a window as reference against live shares, with its KS figures', async () => {
    const w = await driftWindow(db.prisma, alerting);
    expect(w?.intents).toEqual([
      // Neither is named by an intent-share breach in this report (its breach is intentPsi).
      { name: '<out-of-scope>', reference: 0.25, live: 0.875, moved: false },
      { name: 'track_order', reference: 0.75, live: 0.125, moved: false },
    ]);
    expect(w?.confidence).toEqual([
      { bin: '0.0–0.5', reference: 0.3, live: 0.75 },
      { bin: '0.5–1.0', reference: 0.7, live: 0.25 },
    ]);
    expect(w?.length.map((b) => b.bin)).toEqual(['0–10', '10+']);
    expect(w?.ks?.length.d).toBe(0.65);
    expect(await driftWindow(db.prisma, '00000000-0000-7000-8000-000000000000')).toBeNull();
  });
});
