import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { conversationTranscript } from './conversation-transcript.ts';
import { searchConversations } from './search-conversations.ts';
import { sendToReview } from './send-to-review.ts';

let db: TestDatabase;
let rae: TActor;
let alex: { conversationId: string; userMessageIds: string[] };
let other: { conversationId: string; userMessageIds: string[] };

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
  const customer = await db.prisma.customer.create({
    data: { email: 'alex.morgan@example.com', name: 'Alex Morgan' },
  });
  await db.prisma.order.create({
    data: {
      number: 10042,
      customerId: customer.id,
      email: customer.email,
      status: 'SHIPPED',
      subtotalCents: 1000,
      shippingCents: 0,
      totalCents: 1000,
      shippingMethod: 'standard',
      shippingAddress: {},
      paymentMethod: 'card',
      placedAt: new Date(),
    },
  });
  alex = await makeConversation(
    db.prisma,
    [{ text: 'my parcel is late', intent: 'track_order', confidence: 0.9 }],
    {
      sessionId: 'sess-alex',
      customerId: customer.id,
    },
  );
  other = await makeConversation(db.prisma, [
    { text: 'Is order 10042 a gift box?', intent: 'track_order', confidence: 0.95 },
    { text: 'ok thanks', intent: 'thank_you', confidence: 0.99 },
  ]);
});
afterAll(() => db?.drop());

describe('conversation search', () => {
  it('finds by session, customer email, order number and words', async () => {
    const ids = async (q: string) => (await searchConversations(db.prisma, { q })).map((h) => h.id).sort();
    expect(await ids('sess-alex')).toEqual([alex.conversationId]);
    expect(await ids('Alex.Morgan@example.com')).toEqual([alex.conversationId]);
    expect(await ids('10042')).toEqual([alex.conversationId, other.conversationId].sort());
    expect(await ids('PARCEL')).toEqual([alex.conversationId]);
    expect(await ids('50%_off')).toEqual([]);
    expect(await ids('  ')).toEqual([]);
  });

  it('shows a transcript with each turn, and sends a turn to review once', async () => {
    const t = await conversationTranscript(db.prisma, other.conversationId);
    expect(t?.messages.map((m) => m.role)).toEqual(['USER', 'AGENT', 'USER', 'AGENT']);
    await sendToReview(db.prisma, rae, other.userMessageIds[1]!);
    await expect(sendToReview(db.prisma, rae, other.userMessageIds[1]!)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const item = await db.prisma.reviewItem.findUniqueOrThrow({
      where: { messageId: other.userMessageIds[1] },
    });
    expect(item.reason).toBe('MANUAL');
    expect(await db.prisma.auditLog.count({ where: { action: 'review.send' } })).toBe(1);
  });
});
