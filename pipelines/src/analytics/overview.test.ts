import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overview } from './overview.ts';

// What the overview reads, from rows as the trainer's analytics and drift workers and serving leave them.
let db: TestDatabase;
const now = new Date('2026-11-26T12:30:00Z');
const hour = (h: number) => new Date(`2026-11-26T${String(h).padStart(2, '0')}:00:00Z`);

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
});
afterAll(() => db?.drop());

describe('overview', () => {
  it('says nothing happened, hour by hour, on a quiet database', async () => {
    const o = await overview(db.prisma, { hours: 3, now });
    expect(o.hourly.map((h) => [h.hour.toISOString().slice(11, 13), h.turns, h.escalationRate])).toEqual([
      ['09', 0, null],
      ['10', 0, null],
      ['11', 0, null],
      ['12', 0, null],
    ]);
    expect(o.totals).toEqual({
      turns: 0,
      escalationRate: null,
      lowConfidenceRate: null,
      csat: null,
      rated: 0,
    });
    expect(o.latency).toEqual([]);
    expect(o.alerts).toEqual([]);
  });

  it('adds up the hourly counts over versions, averages CSAT, takes p95 latency per version, lists drift alerts', async () => {
    const v = await bareModelVersion(db.prisma, 'ov-v1');
    await db.prisma.turnStat.createMany({
      data: [
        { modelVersionId: v.id, hour: hour(10), turns: 8, escalations: 2, lowConfidence: 1, outOfScope: 0 },
        {
          modelVersionId: v.id,
          variant: 'b',
          hour: hour(10),
          turns: 2,
          escalations: 0,
          lowConfidence: 1,
          outOfScope: 0,
        },
        { modelVersionId: v.id, hour: hour(12), turns: 10, escalations: 1, lowConfidence: 0, outOfScope: 0 },
        // Outside the window: left out.
        { modelVersionId: v.id, hour: hour(5), turns: 99, escalations: 99, lowConfidence: 0, outOfScope: 0 },
      ],
    });
    const conversation = await db.prisma.conversation.create({ data: { sessionId: 'ov' } });
    for (let i = 0; i < 20; i++)
      await db.prisma.message.create({
        data: {
          conversationId: conversation.id,
          seq: i,
          role: 'USER',
          text: `t${i}`,
          modelVersionId: v.id,
          latencyMs: i + 1,
          createdAt: new Date(hour(10).getTime() + i * 1000),
        },
      });
    await db.prisma.feedback.createMany({
      data: [
        { conversationId: conversation.id, rating: 5, createdAt: new Date(hour(10).getTime() + 60_000) },
        { conversationId: conversation.id, rating: 2, createdAt: new Date(hour(10).getTime() + 120_000) },
        { conversationId: conversation.id, thumbs: true, createdAt: new Date(hour(11).getTime() + 60_000) },
      ],
    });
    await db.prisma.driftReport.create({
      data: {
        modelVersionId: v.id,
        windowStart: hour(11),
        windowEnd: hour(12),
        n: 400,
        intentPsi: 0.8,
        intentJs: 0.1,
        confidencePsi: 0.1,
        lengthPsi: 0.1,
        unknownTokenRate: 0.02,
        details: { breaches: [{ metric: 'intentPsi', value: 0.8, threshold: 0.25 }] },
        alert: true,
        createdAt: new Date(hour(12).getTime() + 60_000),
      },
    });

    const o = await overview(db.prisma, { hours: 3, now });
    expect(o.hourly.map((h) => [h.turns, h.escalationRate, h.lowConfidenceRate, h.csat])).toEqual([
      [0, null, null, null],
      [10, 0.2, 0.2, 3.5],
      [0, null, null, null],
      [10, 0.1, 0, null],
    ]);
    expect(o.totals).toEqual({
      turns: 20,
      escalationRate: 0.15,
      lowConfidenceRate: 0.1,
      csat: 3.5,
      rated: 2,
    });
    expect(o.latency).toEqual([
      { version: 'ov-v1', turns: 20, p50Ms: 10.5, p95Ms: expect.closeTo(19.05, 5) },
    ]);
    expect(o.alerts).toEqual([
      expect.objectContaining({
        version: 'ov-v1',
        breaches: [{ metric: 'intentPsi', value: 0.8, threshold: 0.25 }],
      }),
    ]);
  });
});
