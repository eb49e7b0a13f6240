import { createLogger } from '@acsa/core/logger';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { INTERACTION_JOBS, QUEUES } from '@acsa/pipelines';
import { reviewInbox, turnStats } from '@acsa/pipelines/analytics';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalytics } from './analytics-worker.ts';
import { eventOf, fakeModelVersion, insertTurns, type TTurn } from './turn-fixtures.ts';

const { databaseUrl, redisUrl } = testServiceUrls();
const logger = createLogger({ name: 'analytics-test', level: 'silent' });

let db: TestDatabase;
let ns: TestRedis;
let connection: Redis;
let queue: Queue;
let analytics: ReturnType<typeof startAnalytics>;
let prefix: string;

async function settle(total: number) {
  for (let i = 0; i < 120; i++) {
    const c = await queue.getJobCounts('completed', 'failed');
    if ((c.completed ?? 0) + (c.failed ?? 0) >= total) return c;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('events not processed in time');
}

beforeAll(async () => {
  [db, ns] = await Promise.all([createTestDatabase(databaseUrl), createTestRedis(redisUrl)]);
  prefix = `${ns.prefix}bull`;
  connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queue = new Queue(QUEUES.interactions, { connection, prefix });
  analytics = startAnalytics({ prisma: db.prisma, connection, prefix, logger });
});
afterAll(async () => {
  await analytics?.close();
  await queue?.close();
  connection?.disconnect();
  await Promise.all([db?.drop(), ns?.cleanup()]);
});

describe('analytics worker', () => {
  let turns: TTurn[];
  const hour = new Date('2026-11-26T10:00:00Z');
  const at = (min: number) => new Date(hour.getTime() + min * 60_000);

  it('counts each turn once per version and variant, and opens review items ordered by uncertainty', async () => {
    const a = await fakeModelVersion(db.prisma, 'intent-a');
    const b = await fakeModelVersion(db.prisma, 'intent-b');
    const sure = [
      { intent: 'track_order', confidence: 0.97 },
      { intent: 'cancel_order', confidence: 0.02 },
    ];
    turns = await insertTurns(db.prisma, [
      {
        text: 'where is my parcel',
        intent: 'track_order',
        confidence: 0.97,
        topK: sure,
        modelVersionId: a.id,
        at: at(1),
      },
      {
        text: 'track 10042',
        intent: 'track_order',
        confidence: 0.97,
        topK: sure,
        modelVersionId: a.id,
        at: at(2),
      },
      {
        text: 'I want a human now',
        intent: 'contact_human_agent',
        confidence: 0.7,
        topK: [
          { intent: 'contact_human_agent', confidence: 0.7 },
          { intent: 'complaint', confidence: 0.2 },
        ],
        modelVersionId: a.id,
        at: at(3),
        escalated: true,
      },
      {
        text: 'refund or return maybe',
        intent: 'get_refund',
        confidence: 0.41,
        topK: [
          { intent: 'get_refund', confidence: 0.41 },
          { intent: 'return_item', confidence: 0.39 },
        ],
        modelVersionId: a.id,
        at: at(4),
        lowConfidence: true,
      },
      {
        text: 'what is the weather in Paris',
        intent: 'oos',
        confidence: 0.3,
        topK: [
          { intent: 'faq_shipping', confidence: 0.3 },
          { intent: 'track_order', confidence: 0.1 },
        ],
        modelVersionId: a.id,
        at: at(5),
        outOfScope: true,
      },
      {
        text: 'where is it',
        intent: 'track_order',
        confidence: 0.9,
        modelVersionId: b.id,
        variant: 'treatment',
        at: at(6),
      },
    ]);
    const events = turns.map((t) => eventOf(t));
    // As serving publishes them: a batch per flush.
    await queue.add(INTERACTION_JOBS.batch, { events: events.slice(0, 4) });
    await queue.add(INTERACTION_JOBS.batch, { events: events.slice(4) });
    // The same turn again, alone, as a job queued before batches: a redelivery BullMQ cannot recognise.
    await queue.add(INTERACTION_JOBS.single, events[2]);
    await settle(3);

    const stats = await turnStats(db.prisma);
    expect(stats).toEqual([
      expect.objectContaining({
        version: 'intent-a',
        variant: null,
        turns: 5,
        escalations: 1,
        escalationRate: 0.2,
        lowConfidenceRate: 0.2,
        outOfScopeRate: 0.2,
      }),
      expect.objectContaining({ version: 'intent-b', variant: 'treatment', turns: 1, escalationRate: 0 }),
    ]);

    const inbox = await reviewInbox(db.prisma, { limit: 10 });
    expect(inbox.map((i) => [i.message.text, i.reason])).toEqual([
      ['refund or return maybe', 'LOW_CONFIDENCE'],
      ['what is the weather in Paris', 'OUT_OF_SCOPE'],
      ['I want a human now', 'ESCALATION'],
    ]);
    expect(inbox[0]!.priority).toBeCloseTo(0.98, 10);
    expect(await db.prisma.reviewItem.count()).toBe(3);
  });

  it('adds feedback on the agent replies of each version as the positive share', async () => {
    await db.prisma.feedback.createMany({
      data: [
        { conversationId: turns[0]!.conversationId, messageId: turns[0]!.agentMessageId, thumbs: true },
        { conversationId: turns[1]!.conversationId, messageId: turns[1]!.agentMessageId, rating: 5 },
        { conversationId: turns[2]!.conversationId, messageId: turns[2]!.agentMessageId, thumbs: false },
        { conversationId: turns[3]!.conversationId, messageId: turns[3]!.agentMessageId, comment: 'meh' },
        { conversationId: turns[5]!.conversationId, messageId: turns[5]!.agentMessageId, rating: 2 },
      ],
    });
    const stats = await turnStats(db.prisma);
    expect(stats.map((s) => [s.version, s.feedback])).toEqual([
      ['intent-a', { rated: 3, positive: 2, positiveShare: 2 / 3 }],
      ['intent-b', { rated: 1, positive: 0, positiveShare: 0 }],
    ]);
  });

  it('records the valid events of a batch and fails it at once, without retries, naming the invalid one', async () => {
    const [good] = await insertTurns(db.prisma, [
      {
        text: 'is this thing on',
        intent: 'oos',
        confidence: 0.2,
        modelVersionId: null,
        at: at(30),
        outOfScope: true,
      },
    ]);
    const job = await queue.add(
      INTERACTION_JOBS.batch,
      { events: [{ version: 1, messageId: 'not-a-uuid' }, eventOf(good!)] },
      { attempts: 5, backoff: { type: 'fixed', delay: 10 } },
    );
    await settle(4);
    const failed = await queue.getJob(job.id!);
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/invalid interaction event: #0 messageId/);
    const inbox = await reviewInbox(db.prisma, { limit: 10 });
    expect(inbox.map((i) => i.message.text)).toContain('is this thing on');
    expect((await turnStats(db.prisma)).find((s) => s.version === null)?.turns).toBe(1);
  });
});
