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
/** Pointed at by `shadow` and by an experiment's treatment alias, both moved when the off-topic hour began. */
let shadowId: string;
let treatmentId: string;
const alerts: TDriftAlert[] = [];

/** Writes the texts as customer turns answered by the model, spread over the window, as serving would. */
async function serve(model: IntentClassifier, texts: string[], from: number, by = versionId) {
  const predictions = await model.predict(texts);
  const turns = await insertTurns(
    db.prisma,
    texts.map((text, i) => {
      const p = predictions[i]!;
      return {
        text,
        intent: p.outOfScope ? 'out_of_scope' : p.intent,
        confidence: p.confidence,
        topK: p.topK,
        outOfScope: p.outOfScope,
        modelVersionId: by,
        at: new Date(from + Math.floor((i / texts.length) * (H - 1000))),
      };
    }),
  );
  return { turns, predictions };
}

/** Registers the test bundle under another name and points `alias` at it from `at` on. */
async function versionUnder(bundle: ReturnType<typeof readBundle>, name: string, alias: string, at: Date) {
  const v = await registerModelVersion(db.prisma, {
    version: name,
    kind: 'student-int8',
    manifest: bundle.manifest,
    onnx: bundle.onnx,
  });
  await moveAlias(db.prisma, {
    alias,
    toVersionId: v.id,
    kind: alias === 'shadow' ? 'SHADOW' : 'EXPERIMENT_START',
    actor: { type: 'SYSTEM', display: 'system:test' },
  });
  await db.prisma.modelAlias.update({ where: { name: alias }, data: { updatedAt: at } });
  return v.id;
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
  const ood = await serve(model, offTopicTexts(), oodWindow.start.getTime());

  // The shadow scored the off-topic hour beside production (ShadowPrediction rows, no messages of its own);
  // the treatment answered shop questions in it. Neither alias pointed anywhere during the first hour.
  shadowId = await versionUnder(bundle, 'intent-drift-shadow', 'shadow', oodWindow.start);
  await db.prisma.shadowPrediction.createMany({
    data: ood.turns.map((t, i) => {
      const p = ood.predictions[i]!;
      return {
        messageId: t.userMessageId,
        modelVersionId: shadowId,
        intent: p.intent,
        confidence: p.confidence,
        topK: p.topK,
        outOfScope: p.outOfScope,
        lowConfidence: false,
        latencyMs: 1,
        createdAt: t.at,
      };
    }),
  });
  treatmentId = await versionUnder(
    bundle,
    'intent-drift-treatment',
    'experiment:drift:treatment',
    oodWindow.start,
  );
  await serve(model, heldOut, oodWindow.start.getTime(), treatmentId);

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

const reportOf = (w: { start: Date }, modelVersionId = versionId) =>
  db.prisma.driftReport.findUniqueOrThrow({
    where: { modelVersionId_windowStart: { modelVersionId, windowStart: w.start } },
  });
const breachedOf = (r: { details: unknown }) =>
  (r.details as { breaches: { metric: string }[] }).breaches.map((b) => b.metric);

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
    expect([...new Set(breachedOf(shifted))]).toEqual([
      'intentPsi',
      'intentJs',
      'confidencePsi',
      'lengthPsi',
      'unknownTokenRate',
      'confidenceKs',
      'lengthKs',
      'intentShare',
    ]);
    // The per-intent test names what moved: off-topic questions swell the out-of-scope share.
    const moved = (shifted.details as { breaches: { metric: string; intent?: string }[] }).breaches
      .filter((b) => b.metric === 'intentShare')
      .map((b) => b.intent);
    expect(moved).toContain('<out-of-scope>');
    expect(shifted.intentPsi).toBeGreaterThan(1);
    expect(shifted.unknownTokenRate).toBeGreaterThan(0.25);

    // KS of confidence and length, stored with the report: in-distribution under its critical D, off-topic far over.
    type TKs = { d: number; p: number; n1: number; n2: number };
    const ksOf = (r: { details: unknown }) => (r.details as { ks: { confidence: TKs; length: TKs } }).ks;
    expect(ksOf(quiet).confidence).toMatchObject({ n2: 191, p: expect.any(Number) });
    expect(ksOf(quiet).confidence.p).toBeGreaterThan(0.001);
    expect(ksOf(quiet).length.p).toBeGreaterThan(0.001);
    expect(ksOf(shifted).length.d).toBeGreaterThan(0.3);
    expect(ksOf(shifted).confidence.p).toBeLessThan(1e-6);
    // The thresholds the report keeps are those the check applied: a breach's own, the KS critical D included.
    type TEffective = {
      thresholds: { effective: Record<string, number> };
      breaches: { metric: string; threshold: number }[];
    };
    const kept = shifted.details as TEffective;
    for (const b of kept.breaches.filter((x) => x.metric in kept.thresholds.effective))
      expect(kept.thresholds.effective[b.metric]).toBeCloseTo(b.threshold, 10);

    const production = alerts.filter((a) => a.modelVersionId === versionId);
    expect(production).toHaveLength(1);
    expect(production[0]).toMatchObject({
      reportId: shifted.id,
      modelVersion: 'intent-drift-test',
      windowStart: oodWindow.start.toISOString(),
      n: 160,
    });
    expect(driftAlertReason(production[0]!)).toMatch(
      /^drift on intent-drift-test .*: intentPsi \d\.\d{3} > 0\.\d{3}/,
    );
  });

  it('monitors the shadow and experiment variants too, each from when its alias moved', async () => {
    // Neither alias pointed anywhere in the first hour: no report for it. (Counted over the test's two hours:
    // a run that crosses the next hour's check also reports that empty hour, for every version.)
    expect(
      await db.prisma.driftReport.count({
        where: {
          modelVersionId: { in: [shadowId, treatmentId] },
          windowStart: { in: [inWindow.start, oodWindow.start] },
        },
      }),
    ).toBe(2);
    // The shadow's own predictions of the off-topic hour (no message is answered by it) drifted as production's.
    const shadow = await reportOf(oodWindow, shadowId);
    expect(shadow).toMatchObject({ n: 160, alert: true });
    expect((shadow.details as { source: string }).source).toBe('shadow');
    expect(breachedOf(shadow)).toContain('intentPsi');
    // The treatment answered shop questions in that hour: its own turns, under every threshold.
    const treatment = await reportOf(oodWindow, treatmentId);
    expect(treatment).toMatchObject({ n: 191, alert: false });
    expect((treatment.details as { source: string }).source).toBe('answered');
    expect(alerts.map((a) => a.modelVersion).sort()).toEqual(['intent-drift-shadow', 'intent-drift-test']);
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
    expect(alerts).toHaveLength(2);
  });
});
