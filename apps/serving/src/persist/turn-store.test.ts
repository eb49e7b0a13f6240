import { uuidv7 } from '@acsa/core/ids';
import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAccess } from '../../../../prisma/seed/access.ts';
import { createPool } from '../db/pool.ts';
import { initialState } from '../turn/types.ts';
import { createTurnWriter, type TTurnRecord } from './turn-store.ts';

let db: TestDatabase;
let pool: pg.Pool;
let apiKeyId: string;
let modelVersionId: string;

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  await seedAccess(db.prisma, { demoApiKey: 'acsa_test_key_0123456789abcdefghij' });
  apiKeyId = (await db.prisma.apiKey.findFirstOrThrow()).id;
  modelVersionId = (await bareModelVersion(db.prisma, 'persist-v1')).id;
  // One connection: what a statement of serving leaves on it is what the next writer finds.
  pool = createPool(db.url, 1);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

function turn(
  text: string,
  u: { confidence: number; second?: number; outOfScope?: boolean; escalate?: boolean },
): TTurnRecord {
  const conversationId = uuidv7();
  const intent = u.outOfScope ? 'out_of_scope' : 'track_order';
  return {
    conversationId,
    sessionId: `s-${conversationId}`,
    apiKeyId,
    customerId: null,
    variant: null,
    at: new Date(),
    seq: 0,
    user: {
      id: uuidv7(),
      latencyMs: 2,
      understanding: {
        text,
        intent,
        confidence: u.confidence,
        topK: [
          { intent, confidence: u.confidence },
          { intent: 'cancel_order', confidence: u.second ?? 0 },
        ],
        outOfScope: Boolean(u.outOfScope),
        lowConfidence: u.confidence < 0.6,
        entities: [],
      },
    },
    agent: { id: uuidv7(), text: 'a reply' },
    modelVersionId,
    state: { ...initialState(), turn: 1, conversationId, sessionTokenHash: 'h' },
    escalation: u.escalate
      ? { id: uuidv7(), reason: 'LOW_CONFIDENCE', summary: 'unsure twice', context: {} }
      : null,
  };
}

const items = async () =>
  (await db.prisma.reviewItem.findMany({ include: { message: { select: { text: true } } } })).map((i) => ({
    text: i.message.text,
    reason: i.reason,
    priority: Number(i.priority.toFixed(2)),
    requiredLabels: i.requiredLabels,
  }));

describe('a batch of turns opens the review items of its uncertain turns', () => {
  it('low confidence, out of scope and escalated turns become items; a confident one does not', async () => {
    await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 0 } });
    const writer = createTurnWriter(pool);
    // Written together: one statement for the four.
    await Promise.all([
      writer.write(turn('where is my parcel', { confidence: 0.97, second: 0.01 })),
      writer.write(turn('can I change it maybe', { confidence: 0.41, second: 0.39 })),
      writer.write(turn('what is the weather', { confidence: 0.8, outOfScope: true })),
      writer.write(turn('hmm the thing', { confidence: 0.3, second: 0.2, escalate: true })),
    ]);
    const got = await items();
    expect(got).toHaveLength(3);
    expect(got).toEqual(
      expect.arrayContaining([
        // Uncertainty is 1 − margin: 0.41 vs 0.39 is nearly a coin toss.
        { text: 'can I change it maybe', reason: 'LOW_CONFIDENCE', priority: 0.98, requiredLabels: 1 },
        { text: 'what is the weather', reason: 'OUT_OF_SCOPE', priority: 0.2, requiredLabels: 1 },
        // Its escalation, written in the same statement, names the reason a reviewer sees first.
        { text: 'hmm the thing', reason: 'ESCALATION', priority: 0.9, requiredLabels: 1 },
      ]),
    );
    await db.prisma.reviewItem.deleteMany();
  });

  it('follows the threshold and the overlap share set in the console', async () => {
    await db.prisma.reviewSettings.update({
      where: { id: 1 },
      data: { lowConfidence: 0.95, overlapShare: 1 },
    });
    const writer = createTurnWriter(pool);
    await writer.write(turn('is it shipped yet', { confidence: 0.9, second: 0.05 }));
    await writer.write(turn('where is it now', { confidence: 0.97, second: 0.01 }));
    expect(await items()).toEqual([
      { text: 'is it shipped yet', reason: 'LOW_CONFIDENCE', priority: 0.15, requiredLabels: 2 },
    ]);
    await db.prisma.reviewItem.deleteMany();
    await db.prisma.reviewSettings.update({
      where: { id: 1 },
      data: { lowConfidence: 0.6, overlapShare: 0 },
    });
  });

  it('leaves the trigger on for the next writer on the same connection', async () => {
    const writer = createTurnWriter(pool);
    const t = turn('first one', { confidence: 0.99 });
    await writer.write(t);
    // Another writer of messages, on the connection serving's statement just used.
    await pool.query(
      `INSERT INTO "Message" (id, "conversationId", seq, role, text, intent, confidence, "outOfScope")
       VALUES ($1, $2, 2, 'USER', 'not sure what I want', 'track_order', 0.2, false)`,
      [uuidv7(), t.conversationId],
    );
    expect(await items()).toEqual([
      { text: 'not sure what I want', reason: 'LOW_CONFIDENCE', priority: 0.8, requiredLabels: 1 },
    ]);
    await db.prisma.reviewItem.deleteMany();
  });

  it('fails only the turn PostgreSQL refuses, and fails a locked batch at once instead of turn by turn', async () => {
    const writer = createTurnWriter(pool);
    const good = turn('a fine turn', { confidence: 0.99 });
    const bad = { ...turn('from a key that does not exist', { confidence: 0.99 }), apiKeyId: uuidv7() };
    const outcomes = await Promise.allSettled([writer.write(good), writer.write(bad)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    // The good turn's two messages are stored, and nothing of the refused one.
    const stored = await db.prisma.message.findMany({
      where: { conversationId: { in: [good.conversationId, bad.conversationId] } },
    });
    expect(stored.map((m) => [m.conversationId, m.text]).sort()).toEqual([
      [good.conversationId, 'a fine turn'],
      [good.conversationId, 'a reply'],
    ]);

    // Someone holds the conversation's row: its next turn waits out the lock timeout and fails, and a
    // turn written after it is not held up by a retry of each turn of the batch alone.
    const holder = await pool.connect();
    const second = createPool(db.url, 2);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Conversation" WHERE id = $1 FOR UPDATE', [good.conversationId]);
      const w = createTurnWriter(second);
      const next = {
        ...good,
        seq: 2,
        user: { ...good.user, id: uuidv7() },
        agent: { id: uuidv7(), text: 'b' },
      };
      const other = turn('someone else', { confidence: 0.99 });
      const started = performance.now();
      const [locked, free] = await Promise.allSettled([w.write(next), w.write(other)]);
      expect(locked.status).toBe('rejected');
      expect((locked as PromiseRejectedResult).reason).toMatchObject({ code: '55P03' });
      // Both were in the one batch: it failed whole, once, after the lock timeout (2 s), not twice.
      expect(free.status).toBe('rejected');
      expect(performance.now() - started).toBeLessThan(3_500);
      expect(await w.write(turn('after the lock', { confidence: 0.99 })).then(() => 'stored')).toBe('stored');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await second.end();
    }
  });
});
