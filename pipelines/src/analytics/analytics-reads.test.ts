import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewInbox } from './review-inbox.ts';
import { NO_MODEL_VERSION, turnStats, turnStatsByHour } from './turn-stats.ts';

// What the console reads, from rows as the trainer's analytics worker leaves them.
let db: TestDatabase;
const h1 = new Date('2026-11-26T10:00:00Z');
const h2 = new Date('2026-11-26T11:00:00Z');
const ids: Record<string, string> = {};

async function version(name: string) {
  const v = await bareModelVersion(db.prisma, name);
  return v.id;
}

/** A customer message answered by `modelVersionId`, and the agent's reply to it. */
async function turn(text: string, modelVersionId: string, seq = 0) {
  const conversation = await db.prisma.conversation.create({ data: { sessionId: `s-${text}` } });
  const [customer, agent] = await Promise.all(
    (['USER', 'AGENT'] as const).map((role, i) =>
      db.prisma.message.create({
        data: { conversationId: conversation.id, seq: seq + i, role, text, modelVersionId },
      }),
    ),
  );
  return { conversationId: conversation.id, customer: customer!.id, agent: agent!.id };
}

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  ids.a = await version('intent-a');
  ids.b = await version('intent-b');
  await db.prisma.turnStat.createMany({
    data: [
      { modelVersionId: ids.a, hour: h1, turns: 4, escalations: 1, lowConfidence: 1, outOfScope: 0 },
      { modelVersionId: ids.a, hour: h2, turns: 6, escalations: 1, lowConfidence: 0, outOfScope: 3 },
      { modelVersionId: ids.b, variant: 'treatment', hour: h1, turns: 2, escalations: 0 },
      { modelVersionId: NO_MODEL_VERSION, hour: h1, turns: 1, escalations: 1 },
    ],
  });
});
afterAll(async () => {
  await db?.drop();
});

describe('analytics reads', () => {
  it('sums turns and rates per version and variant, over a range of hours', async () => {
    const { conversationId, agent } = await turn('where is my parcel', ids.a!);
    await db.prisma.feedback.createMany({
      data: [
        { conversationId, messageId: agent, thumbs: true, createdAt: h2 },
        { conversationId, messageId: agent, rating: 2, createdAt: h2 },
        { conversationId, messageId: agent, comment: 'no rating', createdAt: h2 },
      ],
    });
    expect(await turnStats(db.prisma)).toEqual([
      {
        modelVersionId: ids.a,
        version: 'intent-a',
        variant: null,
        turns: 10,
        escalations: 2,
        escalationRate: 0.2,
        lowConfidenceRate: 0.1,
        outOfScopeRate: 0.3,
        feedback: { rated: 2, positive: 1, positiveShare: 0.5 },
      },
      expect.objectContaining({ version: 'intent-b', variant: 'treatment', turns: 2, escalationRate: 0 }),
      expect.objectContaining({ modelVersionId: null, version: null, turns: 1, escalationRate: 1 }),
    ]);
    expect(await turnStats(db.prisma, { from: h2 })).toEqual([
      expect.objectContaining({ version: 'intent-a', turns: 6, outOfScopeRate: 0.5 }),
    ]);
    expect(await turnStatsByHour(db.prisma, { modelVersionId: ids.a! })).toEqual([
      { hour: h1, turns: 4, escalationRate: 0.25, lowConfidenceRate: 0.25, outOfScopeRate: 0 },
      { hour: h2, turns: 6, escalationRate: 1 / 6, lowConfidenceRate: 0, outOfScopeRate: 0.5 },
    ]);
  });

  it('lists open review items most uncertain first, oldest first among equals', async () => {
    // The rating of 2 above made its turn a review item (negative feedback does, by trigger); start clean.
    await db.prisma.reviewItem.deleteMany();
    const items = [
      ['refund or return', 0.9, 'OPEN'],
      ['a human please', 0.4, 'OPEN'],
      ['weather in Paris', 0.9, 'IN_PROGRESS'],
      ['already labelled', 0.99, 'LABELED'],
    ] as const;
    for (const [text, priority, status] of items) {
      const { customer } = await turn(text, ids.b!);
      await db.prisma.reviewItem.create({
        data: { messageId: customer, reason: 'LOW_CONFIDENCE', priority, status },
      });
    }
    const inbox = await reviewInbox(db.prisma);
    expect(inbox.map((i) => [i.message.text, i.priority, i.labels])).toEqual([
      ['refund or return', 0.9, 0],
      ['weather in Paris', 0.9, 0],
      ['a human please', 0.4, 0],
    ]);
    expect(inbox[0]?.message).toMatchObject({ modelVersionId: ids.b, intent: null });
    expect((await reviewInbox(db.prisma, { limit: 1 })).map((i) => i.message.text)).toEqual([
      'refund or return',
    ]);
    expect((await reviewInbox(db.prisma, { status: ['LABELED'] })).map((i) => i.message.text)).toEqual([
      'already labelled',
    ]);
  });
});
