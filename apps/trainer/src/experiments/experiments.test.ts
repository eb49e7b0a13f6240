import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { experimentAlias, MODEL_ALIAS_CHANNEL } from '@acsa/pipelines';
import { concludeExperiment, experimentResults, stopExperiment } from '@acsa/pipelines/experiments';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeModelVersion, insertTurns, type TTurnSpec } from '../analytics/turn-fixtures.ts';

const { databaseUrl, redisUrl } = testServiceUrls();
const actor = { type: 'SYSTEM' as const, display: 'system:test' };
const started = new Date('2026-11-20T00:00:00Z');
const at = (minutes: number) => new Date(started.getTime() + minutes * 60_000);

let db: TestDatabase;
let ns: TestRedis;
let sub: Redis;
let experimentId: string;
let versions: { a: string; b: string };

beforeAll(async () => {
  [db, ns] = await Promise.all([createTestDatabase(databaseUrl), createTestRedis(redisUrl)]);
  sub = new Redis(redisUrl);
  const [a, b] = [
    await fakeModelVersion(db.prisma, 'intent-a'),
    await fakeModelVersion(db.prisma, 'intent-b'),
  ];
  versions = { a: a.id, b: b.id };
  await db.prisma.modelAlias.create({ data: { name: 'production', modelVersionId: a.id } });
  const exp = await db.prisma.experiment.create({
    data: {
      name: 'student-v2',
      status: 'RUNNING',
      startedAt: started,
      variants: {
        create: [
          { name: 'control', modelVersionId: a.id, weight: 0.5 },
          { name: 'treatment', modelVersionId: b.id, weight: 0.5 },
        ],
      },
    },
  });
  experimentId = exp.id;
  // As the retraining flow's promote step leaves a running experiment: one alias per variant.
  for (const [variant, id] of [
    ['control', a.id],
    ['treatment', b.id],
  ] as const)
    await db.prisma.modelAlias.create({
      data: { name: experimentAlias('student-v2', variant), modelVersionId: id },
    });
  // The worked example: 1000 sessions per variant, 200 escalated under control and 160 under treatment.
  const sessions = (variant: string, modelVersionId: string, escalated: number): TTurnSpec[] =>
    Array.from({ length: 1000 }, (_, i) => ({
      text: 'where is my order',
      intent: 'track_order',
      confidence: 0.9,
      modelVersionId,
      variant,
      at: at(1 + (i % 600)),
      escalated: i < escalated,
    }));
  await insertTurns(db.prisma, [
    ...sessions('control', a.id, 200),
    ...sessions('treatment', b.id, 160),
    // Not the experiment's traffic: before it started, and another version under the same variant name.
    {
      text: 'x',
      intent: 'x',
      confidence: 1,
      modelVersionId: a.id,
      variant: 'control',
      at: at(-5),
      escalated: true,
    },
    {
      text: 'y',
      intent: 'y',
      confidence: 1,
      modelVersionId: b.id,
      variant: 'control',
      at: at(3),
      escalated: true,
    },
  ]);
}, 60_000);
afterAll(async () => {
  sub?.disconnect();
  await Promise.all([db?.drop(), ns?.cleanup()]);
});

describe('experiment results', () => {
  it('compares each variant with the control: the hand-worked escalation example', async () => {
    const r = await experimentResults(db.prisma, experimentId, { now: at(24 * 60) });
    expect(r.control).toBe('control');
    const [control, treatment] = r.variants;
    expect(control).toMatchObject({ sessions: 1000, escalationRate: { successes: 200, n: 1000, rate: 0.2 } });
    expect(treatment).toMatchObject({
      sessions: 1000,
      escalationRate: { successes: 160, n: 1000, rate: 0.16 },
    });
    // z = −0.04 / √(0.18·0.82·0.002) = −2.3281, p = 0.0199 (worked in pipelines/src/ab-stats.test.ts)
    const diff = treatment!.vsControl!.escalationRate!;
    expect(diff.diff).toBeCloseTo(-0.04, 10);
    expect(diff.z).toBeCloseTo(-2.3281, 4);
    expect(diff.pValue).toBeCloseTo(0.019907, 5);
    expect(r.sampleRatio).toMatchObject({ observed: [1000, 1000], chiSquare: 0, mismatch: false });
    expect(control!.vsControl).toBeNull();
  });

  it('reads positive feedback and accuracy on reviewed turns per variant', async () => {
    const reviewer = await db.prisma.user.create({
      data: { email: 'r1@shop.test', name: 'R1', role: 'REVIEWER' },
    });
    const other = await db.prisma.user.create({
      data: { email: 'r2@shop.test', name: 'R2', role: 'REVIEWER' },
    });
    const turns = await insertTurns(db.prisma, [
      ...['track_order', 'track_order', 'cancel_order', 'get_refund'].map((intent, i) => ({
        text: `c${i}`,
        intent: 'track_order',
        confidence: 0.5,
        modelVersionId: versions.a,
        variant: 'control',
        at: at(700 + i),
        label: intent,
      })),
      ...['track_order', 'track_order', 'track_order'].map((intent, i) => ({
        text: `t${i}`,
        intent: 'track_order',
        confidence: 0.5,
        modelVersionId: versions.b,
        variant: 'treatment',
        at: at(700 + i),
        label: intent,
      })),
    ]);
    await db.prisma.label.createMany({
      data: turns.map((t) => ({
        messageId: t.userMessageId,
        userId: reviewer.id,
        intent: (t as { label?: string }).label ?? '',
      })),
    });
    // A second reviewer disagrees on one control turn; the review's agreed intent settles it as correct.
    await db.prisma.label.create({
      data: { messageId: turns[3]!.userMessageId, userId: other.id, intent: 'get_refund' },
    });
    // A turn under the low-confidence threshold is already a review item (made by trigger as serving writes it).
    await db.prisma.reviewItem.upsert({
      where: { messageId: turns[3]!.userMessageId },
      create: {
        messageId: turns[3]!.userMessageId,
        reason: 'LOW_CONFIDENCE',
        priority: 0.5,
        finalIntent: 'track_order',
      },
      update: { finalIntent: 'track_order' },
    });
    await db.prisma.feedback.createMany({
      data: [
        { conversationId: turns[0]!.conversationId, messageId: turns[0]!.agentMessageId, thumbs: true },
        { conversationId: turns[1]!.conversationId, messageId: turns[1]!.agentMessageId, rating: 2 },
        { conversationId: turns[4]!.conversationId, messageId: turns[4]!.agentMessageId, rating: 5 },
      ],
    });
    const r = await experimentResults(db.prisma, experimentId, { now: at(24 * 60) });
    const [control, treatment] = r.variants;
    // control: 4 reviewed, truth track/track/cancel/track(agreed) vs predicted track → 3 correct
    expect(control!.accuracy).toEqual({ successes: 3, n: 4, rate: 0.75 });
    expect(treatment!.accuracy).toEqual({ successes: 3, n: 3, rate: 1 });
    expect(control!.positiveFeedbackRate).toEqual({ successes: 1, n: 2, rate: 0.5 });
    expect(treatment!.positiveFeedbackRate).toEqual({ successes: 1, n: 1, rate: 1 });
    expect(treatment!.vsControl!.accuracy!.diff).toBeCloseTo(0.25, 10);
  });

  it('stops the experiment once, and concludes it by promoting the winner to production', async () => {
    await sub.subscribe(MODEL_ALIAS_CHANNEL);
    const announced: { alias: string; versionId: string | null }[] = [];
    // The channel is shared by every test on this Redis: keep this experiment's and this winner's moves.
    sub.on('message', (_c, m) => {
      const a = JSON.parse(m);
      if (a.alias.startsWith('experiment:student-v2') || a.versionId === versions.b) announced.push(a);
    });
    const stop = await stopExperiment(db.prisma, {
      experimentId,
      actor,
      reason: 'enough data',
      redis: ns.redis,
    });
    expect(stop).toMatchObject({ changed: true, experiment: { status: 'STOPPED' } });
    expect((await stopExperiment(db.prisma, { experimentId, actor })).changed).toBe(false);
    const stops = await db.prisma.aliasHistory.findMany({
      where: { kind: 'EXPERIMENT_STOP' },
      orderBy: { alias: 'asc' },
    });
    expect(stops.map((h) => [h.alias, h.fromVersionId, h.toVersionId, h.reason])).toEqual([
      ['experiment:student-v2:control', versions.a, null, 'enough data'],
      ['experiment:student-v2:treatment', versions.b, null, 'enough data'],
    ]);
    expect(await db.prisma.modelAlias.count({ where: { name: { startsWith: 'experiment:' } } })).toBe(0);
    // Traffic after the stop is not the experiment's.
    await insertTurns(db.prisma, [
      {
        text: 'late',
        intent: 'x',
        confidence: 1,
        modelVersionId: versions.b,
        variant: 'treatment',
        at: new Date(Date.now() + 60_000),
      },
    ]);
    expect((await experimentResults(db.prisma, experimentId)).variants[1]!.sessions).toBe(1003);

    await expect(concludeExperiment(db.prisma, { experimentId, winner: 'nope', actor })).rejects.toThrow(
      /has no variant "nope" \(it has control, treatment\)/,
    );
    const done = await concludeExperiment(db.prisma, {
      experimentId,
      winner: 'treatment',
      actor,
      redis: ns.redis,
    });
    expect(done.experiment).toMatchObject({ status: 'CONCLUDED', winnerVariantId: done.winner.id });
    expect(done.move).toMatchObject({ fromVersionId: versions.a, toVersionId: versions.b, changed: true });
    const history = await db.prisma.aliasHistory.findFirstOrThrow({ where: { alias: 'production' } });
    expect(history.reason).toBe('experiment "student-v2" won by "treatment"');
    const again = await concludeExperiment(db.prisma, { experimentId, winner: 'treatment', actor });
    expect(again.move.changed).toBe(false);
    await expect(concludeExperiment(db.prisma, { experimentId, winner: 'control', actor })).rejects.toThrow(
      /already concluded/,
    );
    expect(await db.prisma.auditLog.count({ where: { targetType: 'Experiment' } })).toBe(2);
    await expect
      .poll(() => announced.map((a) => [a.alias, a.versionId]))
      .toEqual([
        ['experiment:student-v2:control', null],
        ['experiment:student-v2:treatment', null],
        ['production', versions.b],
      ]);
  });
});
