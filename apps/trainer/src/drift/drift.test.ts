import { createLogger } from '@acsa/core/logger';
import { moveAlias, registerModelVersion } from '@acsa/db/registry';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { IntentClassifier, readBundle } from '@acsa/ml/onnx';
import { DRIFT_QUEUE, DRIFT_SCHEDULER_ID, driftAlertReason, type TDriftAlert } from '@acsa/pipelines';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { smallCorpus } from '../../test/small-bundle.ts';
import { insertTurns } from '../analytics/turn-fixtures.ts';
import { scheduleDriftChecks, startDriftWorker } from './drift-worker.ts';
import { offTopicTexts } from './off-topic.ts';
import { runDriftCheck } from './run-drift-check.ts';

const { databaseUrl, redisUrl } = testServiceUrls();
const logger = createLogger({ name: 'drift-test', level: 'silent' });
const H = 3_600_000;
// Two complete hours before now: in-distribution traffic in the first, off-topic traffic in the second.
const base = Math.floor((Date.now() - 120_000) / H) * H - 2 * H;
const inWindow = { start: new Date(base), end: new Date(base + H) };
const oodWindow = { start: new Date(base + H), end: new Date(base + 2 * H) };

let db: TestDatabase;
let ns: TestRedis;
let connection: Redis;
let queue: Queue;
let events: QueueEvents;
let drift: ReturnType<typeof startDriftWorker>;
let versionId: string;
const alerts: TDriftAlert[] = [];

/** Writes the texts as customer turns answered by the model, spread over the window, as serving would. */
async function serve(model: IntentClassifier, texts: string[], from: number) {
  const predictions = await model.predict(texts);
  await insertTurns(
    db.prisma,
    texts.map((text, i) => {
      const p = predictions[i]!;
      return {
        text,
        intent: p.outOfScope ? 'out_of_scope' : p.intent,
        confidence: p.confidence,
        topK: p.topK,
        outOfScope: p.outOfScope,
        modelVersionId: versionId,
        at: new Date(from + Math.floor((i / texts.length) * (H - 1000))),
      };
    }),
  );
}

beforeAll(async () => {
  [db, ns] = await Promise.all([createTestDatabase(databaseUrl), createTestRedis(redisUrl)]);
  const bundle = readBundle(inject('smallBundle'));
  const version = await registerModelVersion(db.prisma, {
    version: 'intent-drift-test',
    kind: 'student-int8',
    manifest: bundle.manifest,
    onnx: bundle.onnx,
  });
  versionId = version.id;
  await moveAlias(db.prisma, {
    alias: 'production',
    toVersionId: versionId,
    kind: 'PROMOTE',
    actor: { type: 'SYSTEM', display: 'system:test' },
  });
  // In production since the first window opened.
  await db.prisma.modelAlias.update({ where: { name: 'production' }, data: { updatedAt: inWindow.start } });
  const model = await IntentClassifier.fromBundle(bundle);
  const heldOut = smallCorpus()
    .filter((r) => r.split === 'test')
    .map((r) => r.text);
  await serve(model, heldOut, inWindow.start.getTime());
  await serve(model, offTopicTexts(), oodWindow.start.getTime());

  connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = `${ns.prefix}bull`;
  queue = new Queue(DRIFT_QUEUE, { connection, prefix });
  events = new QueueEvents(DRIFT_QUEUE, { connection: connection.duplicate(), prefix });
  await events.waitUntilReady();
  await scheduleDriftChecks({ connection, prefix });
  drift = startDriftWorker({
    prisma: db.prisma,
    connection,
    prefix,
    logger,
    onAlert: (a) => {
      alerts.push(a);
    },
  });
}, 60_000);
afterAll(async () => {
  await drift?.close();
  await events?.close();
  await queue?.close();
  connection?.disconnect();
  await Promise.all([db?.drop(), ns?.cleanup()]);
});

const reportOf = (w: { start: Date }) =>
  db.prisma.driftReport.findUniqueOrThrow({
    where: { modelVersionId_windowStart: { modelVersionId: versionId, windowStart: w.start } },
  });

describe('drift windows', () => {
  it('is scheduled once per window', async () => {
    const scheduler = await queue.getJobScheduler(DRIFT_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ every: H });
  });

  it('reports an in-distribution hour under every threshold and an off-topic hour over them, with one alert', async () => {
    const job = await queue.add('drift-check', {});
    await job.waitUntilFinished(events, 30_000);

    const quiet = await reportOf(inWindow);
    expect(quiet).toMatchObject({ n: 191, alert: false });
    expect((quiet.details as { breaches: unknown[] }).breaches).toEqual([]);
    // The copy of the featuriser's hash agrees with the one the vocabulary was built with: held-out
    // shop questions have about as many unknown words as the reference (dev split) had.
    expect(quiet.unknownTokenRate).toBeLessThan(0.06);

    const shifted = await reportOf(oodWindow);
    expect(shifted).toMatchObject({ n: 160, alert: true });
    const breached = (shifted.details as { breaches: { metric: string }[] }).breaches.map((b) => b.metric);
    expect(breached).toEqual(['intentPsi', 'intentJs', 'confidencePsi', 'lengthPsi', 'unknownTokenRate']);
    expect(shifted.intentPsi).toBeGreaterThan(1);
    expect(shifted.unknownTokenRate).toBeGreaterThan(0.25);

    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      reportId: shifted.id,
      modelVersion: 'intent-drift-test',
      windowStart: oodWindow.start.toISOString(),
      n: 160,
    });
    expect(driftAlertReason(alerts[0]!)).toMatch(
      /^drift on intent-drift-test .*: intentPsi \d\.\d{3} > 0\.\d{3}/,
    );
  });

  it('reports each window once, however often the check runs', async () => {
    const before = await db.prisma.driftReport.count();
    const job = await queue.add('drift-check', {});
    await job.waitUntilFinished(events, 30_000);
    expect(await db.prisma.driftReport.count()).toBe(before);
    const again = await runDriftCheck({
      prisma: db.prisma,
      windowStart: oodWindow.start,
      windowEnd: oodWindow.end,
      onAlert: (a) => {
        alerts.push(a);
      },
    });
    expect(again).toMatchObject({ created: false, alert: null, n: 160 });
    expect(alerts).toHaveLength(1);
  });
});
