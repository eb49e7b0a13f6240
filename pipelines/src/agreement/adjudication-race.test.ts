import { createTestDatabase, raceBehindLock, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { submitLabel, undoLastLabel } from '../review/label-actions.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { adjudicate, adjudicationList } from './adjudication.ts';

let db: TestDatabase;
let rae: TActor;
let rob: TActor;
let eli: TActor;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
  rob = await makeUser(db.prisma, 'REVIEWER', 'rob');
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
  await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 1 } });
});
afterAll(() => db?.drop());

/** A turn rae and rob labeled differently: LABELED and waiting for an engineer. */
async function disagreement(text: string) {
  const c = await makeConversation(db.prisma, [{ text, intent: 'track_order', confidence: 0.3 }]);
  const item = await db.prisma.reviewItem.findUniqueOrThrow({ where: { messageId: c.userMessageIds[0] } });
  await submitLabel(db.prisma, rae, { reviewItemId: item.id, intent: 'track_order', entities: [] });
  await submitLabel(db.prisma, rob, { reviewItemId: item.id, intent: 'get_refund', entities: [] });
  return item.id;
}

async function lockWaiters() {
  const [row] = await db.prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return row?.n ?? 0;
}

async function inAdjudicationList(id: string) {
  return (await adjudicationList(db.prisma, { limit: 200 })).items.some((i) => i.id === id);
}

describe('an engineer adjudicating while a reviewer undoes their label', () => {
  it('refuses the adjudication, and the relabeled disagreement waits for an engineer again', async () => {
    const id = await disagreement('undo meets adjudication');
    // The undo queues on the item first, then the adjudication starts: the undo goes through first, so
    // an adjudication that read the item before it was locked would write over the reopened item.
    const results = await raceBehindLock<unknown>(
      db.prisma,
      (tx) => tx.$queryRaw`SELECT 1 FROM "ReviewItem" WHERE id = ${id}::uuid FOR UPDATE`,
      [
        () => undoLastLabel(db.prisma, rob),
        async () => {
          while ((await lockWaiters()) < 1) await new Promise((r) => setTimeout(r, 10));
          return adjudicate(db.prisma, eli, { reviewItemId: id, intent: 'get_refund' });
        },
      ],
    );
    expect(results[0]?.status).toBe('fulfilled');
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'CONFLICT', message: expect.stringMatching(/^this turn changed meanwhile: /) },
    });
    expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'IN_PROGRESS',
      adjudicatedAt: null,
    });

    await submitLabel(db.prisma, rob, { reviewItemId: id, intent: 'cancel_order', entities: [] });
    expect(await inAdjudicationList(id)).toBe(true);
    await adjudicate(db.prisma, eli, { reviewItemId: id, intent: 'track_order' });
    expect(await inAdjudicationList(id)).toBe(false);
  });

  it('keeps an adjudication made over a label since taken back, rather than hiding the item', async () => {
    // The state the race left before adjudicate locked the item: reopened, yet adjudicated.
    const id = await disagreement('adjudicated mid-undo');
    await undoLastLabel(db.prisma, rob);
    await db.prisma.reviewItem.update({
      where: { id },
      data: { finalIntent: 'get_refund', adjudicatedById: eli.id, adjudicatedAt: new Date() },
    });
    await submitLabel(db.prisma, rob, { reviewItemId: id, intent: 'cancel_order', entities: [] });
    expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'LABELED',
      finalIntent: 'get_refund',
      needsAdjudication: false,
    });
    expect(await inAdjudicationList(id)).toBe(false);
  });
});
