import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { addUser, setUserDisabled, setUserRole } from '../admin/users.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { settle, skipItem, submitLabel } from './label-actions.ts';
import { nextLabelTasks } from './label-queue.ts';
import { reviewInboxList } from './review-inbox-list.ts';

let db: TestDatabase;
let ada: TActor;
const none = { reasons: [] };
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  ada = await makeUser(db.prisma, 'ADMIN', 'ada');
});
afterAll(() => db?.drop());

// Each test starts from an empty inbox and a team of its own: everyone an earlier test made is disabled,
// but for Ada, the admin who makes the changes (and, never labeling, is never a labeller).
beforeEach(async () => {
  await db.prisma.reviewItem.deleteMany();
  await db.prisma.user.updateMany({ where: { id: { not: ada.id } }, data: { disabledAt: new Date() } });
});

const overlap = (share: number) =>
  db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: share } });
const itemOf = (text: string) =>
  db.prisma.reviewItem.findFirstOrThrow({ where: { message: { text } }, select: { id: true } });
const statusOf = async (text: string) =>
  db.prisma.reviewItem.findFirstOrThrow({
    where: { message: { text } },
    select: { status: true, finalIntent: true, needsAdjudication: true },
  });
const inbox = async () =>
  (await reviewInboxList(db.prisma, { filters: none })).map((r) => [r.text, r.status]);

describe('a turn closed because nobody could label it', () => {
  it('is back in the inbox when a reviewer is added, for them to label; an old one stays closed', async () => {
    await overlap(0);
    const rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
    await makeConversation(db.prisma, [
      { text: 'lonely turn', intent: 'get_refund', confidence: 0.2 },
      { text: 'long forgotten', intent: 'track_order', confidence: 0.3 },
    ]);
    for (const text of ['lonely turn', 'long forgotten'])
      await skipItem(db.prisma, rae, (await itemOf(text)).id);
    expect(await inbox()).toEqual([]);
    // Skipped more than 30 days ago: a new reviewer is not handed that backlog.
    await db.prisma.reviewItem.update({
      where: { id: (await itemOf('long forgotten')).id },
      data: { resolvedAt: new Date(Date.now() - 40 * DAY) },
    });

    const nia = await addUser(db.prisma, ada, {
      email: 'nia@shop.example',
      name: 'Nia',
      role: 'REVIEWER',
      password: 'a long enough password',
    });

    expect(await inbox()).toEqual([['lonely turn', 'OPEN']]);
    expect(await statusOf('long forgotten')).toMatchObject({ status: 'SKIPPED' });
    const tasks = await nextLabelTasks(db.prisma, { user: nia, filters: none });
    expect(tasks.map((t) => t.text)).toEqual(['lonely turn']);
    // Rae skipped it: she is not offered it again.
    expect(await nextLabelTasks(db.prisma, { user: rae, filters: none })).toEqual([]);
    await submitLabel(db.prisma, nia, {
      reviewItemId: tasks[0]!.reviewItemId,
      intent: 'get_refund',
      entities: [],
    });
    expect(await statusOf('lonely turn')).toMatchObject({ status: 'LABELED', finalIntent: 'get_refund' });

    const reopen = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'review.reopen', targetId: tasks[0]!.reviewItemId },
    });
    expect(reopen).toMatchObject({ actor: ada.email });
    expect(reopen.data).toMatchObject({ before: { status: 'SKIPPED' }, after: { status: 'OPEN' } });
    // The user change commits first, on its own; the turns follow it, each with its own entry.
    const add = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'user.add', targetId: nia.id },
    });
    expect(add.id).toBeLessThan(reopen.id);
  });

  it('is back when an engineer becomes a reviewer, or a reviewer is enabled again (not one they skipped)', async () => {
    await overlap(0);
    const rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
    const eve = await makeUser(db.prisma, 'ENGINEER', 'eve');
    const rob = await makeUser(db.prisma, 'REVIEWER', 'rob');
    await makeConversation(db.prisma, [
      { text: 'rob passed on it', intent: 'get_refund', confidence: 0.2 },
      { text: 'rob never saw it', intent: 'track_order', confidence: 0.3 },
    ]);
    await skipItem(db.prisma, rob, (await itemOf('rob passed on it')).id);
    await setUserDisabled(db.prisma, ada, { userId: rob.id, disabled: true });
    for (const text of ['rob passed on it', 'rob never saw it'])
      await skipItem(db.prisma, rae, (await itemOf(text)).id);
    expect(await inbox()).toEqual([]);

    await setUserDisabled(db.prisma, ada, { userId: rob.id, disabled: false });
    expect(await inbox()).toEqual([['rob never saw it', 'OPEN']]);
    expect(await statusOf('rob passed on it')).toMatchObject({ status: 'SKIPPED' });

    await setUserRole(db.prisma, ada, { userId: eve.id, role: 'REVIEWER' });
    expect(await inbox()).toEqual([
      ['rob passed on it', 'OPEN'],
      ['rob never saw it', 'OPEN'],
    ]);
  });
});

describe('a turn waiting only on a user who is disabled or no longer reviews', () => {
  it('settles on the labels it has, or closes as SKIPPED, and leaves the inbox', async () => {
    await overlap(1);
    const rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
    const rob = await makeUser(db.prisma, 'REVIEWER', 'rob');
    const ria = await makeUser(db.prisma, 'REVIEWER', 'ria');
    await makeConversation(db.prisma, [
      { text: 'one label in', intent: 'get_refund', confidence: 0.2 },
      { text: 'nobody labeled', intent: 'track_order', confidence: 0.3 },
      { text: 'rob did his part', intent: 'cancel_order', confidence: 0.4 },
    ]);
    const labelled = await itemOf('one label in');
    await submitLabel(db.prisma, rae, { reviewItemId: labelled.id, intent: 'get_refund', entities: [] });
    await skipItem(db.prisma, ria, labelled.id);
    await skipItem(db.prisma, rae, (await itemOf('nobody labeled')).id);
    await skipItem(db.prisma, ria, (await itemOf('nobody labeled')).id);
    const done = await itemOf('rob did his part');
    await submitLabel(db.prisma, rob, { reviewItemId: done.id, intent: 'cancel_order', entities: [] });
    expect(await inbox()).toEqual([
      ['one label in', 'IN_PROGRESS'],
      ['nobody labeled', 'OPEN'],
      ['rob did his part', 'IN_PROGRESS'],
    ]);

    await setUserDisabled(db.prisma, ada, { userId: rob.id, disabled: true });

    // Rae and Ria can still label the third; the other two were waiting on Rob alone.
    expect(await inbox()).toEqual([['rob did his part', 'IN_PROGRESS']]);
    expect(await statusOf('one label in')).toMatchObject({
      status: 'LABELED',
      finalIntent: 'get_refund',
      needsAdjudication: false,
    });
    expect(await statusOf('nobody labeled')).toMatchObject({ status: 'SKIPPED', finalIntent: null });
    const settled = await db.prisma.auditLog.findMany({ where: { action: 'review.settle' } });
    expect(settled.map((l) => [l.targetId, l.actor]).sort()).toEqual(
      [
        [labelled.id, ada.email],
        [(await itemOf('nobody labeled')).id, ada.email],
      ].sort(),
    );
    const disable = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'user.disable', targetId: rob.id },
    });
    for (const entry of settled) expect(disable.id).toBeLessThan(entry.id);

    // Rae moves to engineering having labeled this month: engineers who label still count, nothing moves.
    await setUserRole(db.prisma, ada, { userId: rae.id, role: 'ENGINEER' });
    expect(await inbox()).toEqual([['rob did his part', 'IN_PROGRESS']]);
    // A month on, Rae has not labeled since: when Ria, the last reviewer, moves to engineering (having not
    // labeled for as long), nobody is left and the turn settles on Rob's label.
    await db.prisma.reviewAssignment.updateMany({
      where: { userId: { in: [rae.id, ria.id] } },
      data: { completedAt: new Date(Date.now() - 40 * DAY) },
    });
    await setUserRole(db.prisma, ada, { userId: ria.id, role: 'ENGINEER' });
    expect(await inbox()).toEqual([]);
    expect(await statusOf('rob did his part')).toMatchObject({
      status: 'LABELED',
      finalIntent: 'cancel_order',
    });
  });
});

/** `n` uncertain customer turns, one open review item each (opened by the Message trigger). */
async function openItems(n: number) {
  const c = await db.prisma.conversation.create({
    data: { sessionId: `s-bulk-${Math.random().toString(36).slice(2, 10)}`, status: 'OPEN' },
  });
  await db.prisma.message.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      conversationId: c.id,
      seq: i,
      role: 'USER' as const,
      text: `bulk turn ${i}`,
      intent: 'get_refund',
      confidence: 0.2,
    })),
  });
  const items = await db.prisma.reviewItem.findMany({
    where: { message: { conversationId: c.id }, status: 'OPEN' },
    select: { id: true },
  });
  expect(items).toHaveLength(n);
  return items.map((i) => i.id);
}

const countByStatus = async () =>
  Object.fromEntries(
    (await db.prisma.reviewItem.groupBy({ by: ['status'], _count: true })).map((g) => [g.status, g._count]),
  );

describe('the last labeller leaving an inbox larger than one batch', () => {
  it('is disabled at once, and every open turn settles after, in batches, each audited', async () => {
    await overlap(0);
    const rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
    const ids = await openItems(450);

    await setUserDisabled(db.prisma, ada, { userId: rae.id, disabled: true }, { review: { batchSize: 200 } });

    const user = await db.prisma.user.findUniqueOrThrow({ where: { id: rae.id } });
    expect(user.disabledAt).not.toBeNull();
    expect(await countByStatus()).toEqual({ SKIPPED: 450 });
    const disable = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'user.disable', targetId: rae.id },
    });
    const settled = await db.prisma.auditLog.findMany({
      where: { action: 'review.settle', targetId: { in: ids } },
    });
    expect(settled.map((l) => l.targetId).sort()).toEqual([...ids].sort());
    // The user change committed before the first turn moved: it never waits on the inbox's size.
    for (const entry of settled) expect(entry.id).toBeGreaterThan(disable.id);
    expect(settled[0]?.data).toMatchObject({
      before: { status: 'OPEN' },
      after: { status: 'SKIPPED', user: rae.id },
    });
  });

  it('stays disabled when a batch fails; the batches before it stand, the rest wait for the next leaver', async () => {
    await overlap(0);
    const rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
    const ids = await openItems(450);
    const settles = () =>
      db.prisma.auditLog.count({ where: { action: 'review.settle', targetId: { in: ids } } });
    const logged: unknown[] = [];
    let calls = 0;

    await setUserDisabled(
      db.prisma,
      ada,
      { userId: rae.id, disabled: true },
      {
        review: {
          batchSize: 200,
          logger: { error: (o: unknown) => logged.push(o) },
          settleItem: (tx, id) => {
            calls += 1;
            if (calls > 250) throw new Error('the connection dropped');
            return settle(tx, id);
          },
        },
      },
    );

    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: rae.id } })).disabledAt).not.toBeNull();
    expect(await db.prisma.auditLog.count({ where: { action: 'user.disable', targetId: rae.id } })).toBe(1);
    // The first batch committed; the second rolled back whole, its 50 settled turns with it.
    expect(await countByStatus()).toEqual({ SKIPPED: 200, OPEN: 250 });
    expect(await settles()).toBe(200);
    expect(logged).toEqual([
      expect.objectContaining({ userId: rae.id, action: 'review.settle', moved: 200 }),
    ]);
    // The admin reads it on the audit page, not only in the server's log.
    const incomplete = await db.prisma.auditLog.findMany({
      where: { action: 'review.settle.incomplete', targetId: rae.id },
    });
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]?.data).toMatchObject({ after: { moved: 200, error: 'the connection dropped' } });

    // Ned, a reviewer who comes and goes again, settles what the failed sweep left when he leaves.
    const ned = await makeUser(db.prisma, 'REVIEWER', 'ned');
    await setUserDisabled(db.prisma, ada, { userId: ned.id, disabled: true });
    expect(await countByStatus()).toEqual({ SKIPPED: 450 });
    expect(await settles()).toBe(450);
  });
});
