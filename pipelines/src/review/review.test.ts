import {
  bareModelVersion,
  createTestDatabase,
  raceBehindLock,
  type TestDatabase,
  testServiceUrls,
} from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { skipItem, submitLabel, undoLabel, undoLastLabel } from './label-actions.ts';
import { CLAIM_TTL_MINUTES, nextLabelTasks } from './label-queue.ts';
import { reviewInboxList } from './review-inbox-list.ts';

let db: TestDatabase;
let rae: TActor;
let rob: TActor;
const none = { reasons: [] };

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
  rob = await makeUser(db.prisma, 'REVIEWER', 'rob');
  // Everything below is a single-label item unless a test makes it an overlap item.
  await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 0 } });
});
afterAll(() => db?.drop());

describe('review items are made from what serving writes', () => {
  it('low-confidence and out-of-scope turns, escalations and negative feedback; confident turns are not', async () => {
    const c = await makeConversation(db.prisma, [
      { text: 'where is my order', intent: 'track_order', confidence: 0.97 },
      {
        text: 'can I change it maybe',
        intent: 'change_order',
        confidence: 0.41,
        topK: [
          { intent: 'change_order', p: 0.41 },
          { intent: 'cancel_order', p: 0.39 },
        ],
      },
      { text: 'what is the weather', intent: 'out_of_scope', confidence: 0.8, outOfScope: true },
    ]);
    const items = await db.prisma.reviewItem.findMany({ orderBy: { priority: 'desc' } });
    expect(items.map((i) => [i.messageId, i.reason])).toEqual([
      [c.userMessageIds[1], 'LOW_CONFIDENCE'],
      [c.userMessageIds[2], 'OUT_OF_SCOPE'],
    ]);
    // Uncertainty is 1 − margin: 0.41 vs 0.39 is nearly a coin toss.
    expect(items[0]?.priority).toBeCloseTo(0.98);

    // A thumbs-down on the agent's reply to the first turn makes that turn a review item.
    const reply = await db.prisma.message.findFirstOrThrow({
      where: { conversationId: c.conversationId, seq: 1 },
    });
    await db.prisma.feedback.create({
      data: { conversationId: c.conversationId, messageId: reply.id, thumbs: false },
    });
    expect(
      await db.prisma.reviewItem.findUnique({ where: { messageId: c.userMessageIds[0] } }),
    ).toMatchObject({
      reason: 'NEGATIVE_FEEDBACK',
    });
    await db.prisma.reviewItem.deleteMany();
  });

  it('a CSAT of 2 or less makes the conversation’s last customer turn an item; a 3 does not', async () => {
    const low = await makeConversation(db.prisma, [
      { text: 'where is my order', intent: 'track_order', confidence: 0.97 },
      { text: 'and the invoice', intent: 'get_invoice', confidence: 0.95 },
    ]);
    const fine = await makeConversation(db.prisma, [
      { text: 'where is my parcel', intent: 'track_order', confidence: 0.96 },
    ]);
    await db.prisma.feedback.create({ data: { conversationId: low.conversationId, rating: 2 } });
    await db.prisma.feedback.create({ data: { conversationId: fine.conversationId, rating: 3 } });
    const items = await db.prisma.reviewItem.findMany();
    expect(items.map((i) => [i.messageId, i.reason])).toEqual([[low.userMessageIds[1], 'NEGATIVE_FEEDBACK']]);
    await db.prisma.reviewItem.deleteMany();
  });

  it('a shadow model that answers a turn differently makes it a disagreement item', async () => {
    const c = await makeConversation(db.prisma, [
      { text: 'I want my money back', intent: 'get_refund', confidence: 0.93 },
      { text: 'where is my order', intent: 'track_order', confidence: 0.97 },
      { text: 'tell me a joke', intent: 'out_of_scope', confidence: 0.9, outOfScope: true },
      { text: 'can I change it maybe', intent: 'change_order', confidence: 0.41 },
    ]);
    const shadow = (await bareModelVersion(db.prisma, 'shadow-candidate')).id;
    const predicted = (i: number, intent: string, outOfScope = false) => ({
      messageId: c.userMessageIds[i]!,
      modelVersionId: shadow,
      intent,
      confidence: 0.8,
      topK: [{ intent, confidence: 0.8 }],
      outOfScope,
      lowConfidence: false,
      latencyMs: 1,
    });
    // One statement, as serving writes them: another intent, the same intent, out-of-scope on both sides
    // (whatever intent each names underneath), and a turn already in the inbox for low confidence.
    await db.prisma.shadowPrediction.createMany({
      data: [
        predicted(0, 'cancel_order'),
        predicted(1, 'track_order'),
        predicted(2, 'greeting', true),
        predicted(3, 'cancel_order'),
      ],
    });
    const items = await db.prisma.reviewItem.findMany({ orderBy: { createdAt: 'asc' } });
    expect(new Map(items.map((i) => [i.messageId, i.reason]))).toEqual(
      new Map([
        [c.userMessageIds[0], 'DISAGREEMENT'],
        [c.userMessageIds[2], 'OUT_OF_SCOPE'],
        [c.userMessageIds[3], 'LOW_CONFIDENCE'],
      ]),
    );
    expect(
      (await reviewInboxList(db.prisma, { filters: { reasons: ['DISAGREEMENT'] } })).map((r) => r.text),
    ).toEqual(['I want my money back']);
    await db.prisma.reviewItem.deleteMany();
  });
});

describe('labeling', () => {
  it('offers the most uncertain first, filters by reason and intent, and never offers a turn twice', async () => {
    await makeConversation(db.prisma, [
      { text: 'a', intent: 'track_order', confidence: 0.5 },
      { text: 'b', intent: 'get_refund', confidence: 0.2 },
      { text: 'c', intent: 'out_of_scope', confidence: 0.9, outOfScope: true },
    ]);
    const inbox = await reviewInboxList(db.prisma, { filters: none });
    expect(inbox.map((r) => r.text)).toEqual(['b', 'a', 'c']);
    expect(
      (await reviewInboxList(db.prisma, { filters: { reasons: ['OUT_OF_SCOPE'] } })).map((r) => r.text),
    ).toEqual(['c']);
    expect(
      (await reviewInboxList(db.prisma, { filters: { reasons: [], intent: 'track_order' } })).map(
        (r) => r.text,
      ),
    ).toEqual(['a']);

    const tasks = await nextLabelTasks(db.prisma, { user: rae, filters: none, limit: 2 });
    expect(tasks.map((t) => t.text)).toEqual(['b', 'a']);
    // Claiming is in the audit log: who took which turns.
    const claim = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'review.claim' } });
    expect(claim).toMatchObject({
      actorId: rae.id,
      actor: rae.email,
      data: { items: tasks.map((t) => t.reviewItemId) },
    });
    expect(tasks[0]?.context.map((m) => m.role)).toContain('AGENT');
    expect(tasks[0]?.suggestions[0]).toEqual({ intent: 'get_refund', p: 0.2 });
    // The browser's prefetch excludes what it already holds.
    expect(
      (
        await nextLabelTasks(db.prisma, {
          user: rae,
          filters: none,
          exclude: tasks.map((t) => t.reviewItemId),
        })
      ).map((t) => t.text),
    ).toEqual(['c']);
    // Rae's live claims keep all three from Rob: two people never label a single-label turn at once.
    expect(await nextLabelTasks(db.prisma, { user: rob, filters: none })).toEqual([]);

    await submitLabel(db.prisma, rae, {
      reviewItemId: tasks[0]!.reviewItemId,
      intent: 'track_refund',
      entities: [],
    });
    await skipItem(db.prisma, rae, tasks[1]!.reviewItemId);
    const left = await nextLabelTasks(db.prisma, { user: rae, filters: none });
    expect(left.map((t) => t.text)).toEqual(['c']);
    // What Rae skipped is free for Rob.
    expect((await nextLabelTasks(db.prisma, { user: rob, filters: none })).map((t) => t.text)).toEqual(['a']);

    const label = await db.prisma.label.findFirstOrThrow({ include: { reviewItem: true } });
    expect(label).toMatchObject({
      userId: rae.id,
      intent: 'track_refund',
      prediction: { intent: 'get_refund', confidence: 0.2 },
      reviewItem: { status: 'LABELED', finalIntent: 'track_refund' },
    });
  });

  it('undo takes back the last label and reopens its turn', async () => {
    const undone = await undoLastLabel(db.prisma, rae);
    expect(undone.intent).toBe('track_refund');
    expect(await db.prisma.label.count()).toBe(0);
    expect(
      await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: undone.reviewItemId } }),
    ).toMatchObject({
      status: 'OPEN',
      finalIntent: null,
    });
    await expect(undoLastLabel(db.prisma, rob)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const audit = await db.prisma.auditLog.findMany({
      where: { actorId: rae.id, action: { not: 'review.claim' } },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['label.create', 'review.skip', 'label.undo']);
  });

  it("undo takes back the label it names, only its author's, and says why when it cannot", async () => {
    await db.prisma.reviewItem.deleteMany();
    await makeConversation(db.prisma, [
      { text: 'tab one', intent: 'get_refund', confidence: 0.2 },
      { text: 'tab two', intent: 'track_order', confidence: 0.3 },
    ]);
    const [one, two] = await nextLabelTasks(db.prisma, { user: rae, filters: none });
    // Two tabs: X in the first, then Y in the second; z in the first undoes X, and Y stays.
    const x = await submitLabel(db.prisma, rae, {
      reviewItemId: one!.reviewItemId,
      intent: 'get_refund',
      entities: [],
    });
    const y = await submitLabel(db.prisma, rae, {
      reviewItemId: two!.reviewItemId,
      intent: 'track_order',
      entities: [],
    });
    await expect(undoLabel(db.prisma, rob, { labelId: x.labelId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "this label is another reviewer's: only its author can undo it",
    });
    const undone = await undoLabel(db.prisma, rae, { labelId: x.labelId });
    expect(undone).toMatchObject({
      reviewItemId: one!.reviewItemId,
      labelId: x.labelId,
      intent: 'get_refund',
    });
    expect((await db.prisma.label.findMany()).map((l) => l.id)).toEqual([y.labelId]);
    expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: one!.reviewItemId } })).toMatchObject({
      status: 'OPEN',
    });
    await expect(undoLabel(db.prisma, rae, { labelId: x.labelId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this label is gone: it was undone already or its turn was removed',
    });
    // An adjudicated turn keeps its label: the engineer's decision stands.
    await db.prisma.reviewItem.update({
      where: { id: two!.reviewItemId },
      data: { adjudicatedAt: new Date() },
    });
    await expect(undoLabel(db.prisma, rae, { labelId: y.labelId })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const undos = await db.prisma.auditLog.findMany({
      where: { action: 'label.undo' },
      orderBy: { id: 'desc' },
    });
    expect(undos[0]).toMatchObject({ actorId: rae.id, targetId: one!.reviewItemId });
  });

  it('asking for more renews the claims of the turns the browser still holds, however old', async () => {
    await db.prisma.reviewItem.deleteMany();
    await makeConversation(db.prisma, [
      { text: 'held long', intent: 'get_refund', confidence: 0.2 },
      { text: 'next one', intent: 'track_order', confidence: 0.3 },
    ]);
    const [held] = await nextLabelTasks(db.prisma, { user: rae, filters: none, limit: 1 });
    // A slow reviewer: the turn waited in her browser past the claim's lifetime.
    const lapsed = new Date(Date.now() - (CLAIM_TTL_MINUTES + 1) * 60_000);
    await db.prisma.reviewAssignment.updateMany({ where: { userId: rae.id }, data: { assignedAt: lapsed } });
    const more = await nextLabelTasks(db.prisma, {
      user: rae,
      filters: none,
      exclude: [held!.reviewItemId],
    });
    expect(more.map((t) => t.text)).toEqual(['next one']);
    const claim = await db.prisma.reviewAssignment.findFirstOrThrow({
      where: { userId: rae.id, reviewItemId: held!.reviewItemId },
    });
    expect(claim.assignedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Still hers: not handed to Rob.
    expect(await nextLabelTasks(db.prisma, { user: rob, filters: none })).toEqual([]);
    // The renewal is in the audit log with the claim it came with.
    const claims = await db.prisma.auditLog.findMany({
      where: { action: 'review.claim', actorId: rae.id },
      orderBy: { id: 'desc' },
    });
    expect(claims[0]?.data).toEqual({ items: [more[0]!.reviewItemId], renewed: [held!.reviewItemId] });
  });

  it('a lapsed claim handed to someone else meanwhile is not renewed: a one-label turn has one holder', async () => {
    await db.prisma.reviewItem.deleteMany();
    await makeConversation(db.prisma, [
      { text: 'went to rob', intent: 'get_refund', confidence: 0.2 },
      { text: 'shared turn', intent: 'track_order', confidence: 0.3 },
    ]);
    const [lapsedTurn, shared] = await nextLabelTasks(db.prisma, { user: rae, filters: none, limit: 2 });
    // The second turn needs two labels: Rob's live claim leaves room for Rae's.
    await db.prisma.reviewItem.update({ where: { id: shared!.reviewItemId }, data: { requiredLabels: 2 } });
    const lapsed = new Date(Date.now() - (CLAIM_TTL_MINUTES + 1) * 60_000);
    await db.prisma.reviewAssignment.updateMany({ where: { userId: rae.id }, data: { assignedAt: lapsed } });
    const robs = await nextLabelTasks(db.prisma, { user: rob, filters: none });
    expect(robs.map((t) => t.text)).toEqual(['went to rob', 'shared turn']);
    // Rae's browser still holds both and asks for more.
    await nextLabelTasks(db.prisma, {
      user: rae,
      filters: none,
      exclude: [lapsedTurn!.reviewItemId, shared!.reviewItemId],
    });
    const raes = await db.prisma.reviewAssignment.findMany({ where: { userId: rae.id } });
    const claimOf = (id: string) => raes.find((a) => a.reviewItemId === id)?.assignedAt.getTime();
    expect(claimOf(lapsedTurn!.reviewItemId)).toBe(lapsed.getTime());
    expect(claimOf(shared!.reviewItemId)).toBeGreaterThan(Date.now() - 60_000);
    const claim = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'review.claim', actorId: rae.id },
      orderBy: { id: 'desc' },
    });
    expect(claim.data).toEqual({ items: [], renewed: [shared!.reviewItemId] });
  });

  it('an overlap item goes to two different reviewers; labels that disagree wait for adjudication', async () => {
    await db.prisma.reviewItem.deleteMany();
    await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 1 } });
    await makeConversation(db.prisma, [{ text: 'overlap me', intent: 'get_refund', confidence: 0.3 }]);
    const [forRae] = await nextLabelTasks(db.prisma, { user: rae, filters: none });
    const [forRob] = await nextLabelTasks(db.prisma, { user: rob, filters: none });
    expect(forRob?.reviewItemId).toBe(forRae?.reviewItemId);
    await submitLabel(db.prisma, rae, {
      reviewItemId: forRae!.reviewItemId,
      intent: 'get_refund',
      entities: [],
    });
    expect(
      await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: forRae!.reviewItemId } }),
    ).toMatchObject({
      status: 'IN_PROGRESS',
    });
    await expect(
      submitLabel(db.prisma, rae, { reviewItemId: forRae!.reviewItemId, intent: 'x', entities: [] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await submitLabel(db.prisma, rob, {
      reviewItemId: forRob!.reviewItemId,
      intent: 'track_refund',
      entities: [],
    });
    expect(
      await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: forRae!.reviewItemId } }),
    ).toMatchObject({
      status: 'LABELED',
      finalIntent: null,
      needsAdjudication: true,
    });
  });

  it('two reviewers asking at once are handed different turns, never the same one', async () => {
    await db.prisma.reviewItem.deleteMany();
    await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 0 } });
    await makeConversation(db.prisma, [
      { text: 'first', intent: 'get_refund', confidence: 0.2 },
      { text: 'second', intent: 'track_order', confidence: 0.4 },
    ]);
    // Both read which turns are free while claims cannot be written yet: what each read, it read before the
    // other claimed anything.
    const results = await raceBehindLock(
      db.prisma,
      (tx) => tx.$executeRaw`LOCK TABLE "ReviewAssignment" IN SHARE MODE`,
      [rae, rob].map((user) => () => nextLabelTasks(db.prisma, { user, filters: none, limit: 1 })),
    );
    const handed = results.map((r) => (r.status === 'fulfilled' ? r.value.map((t) => t.text) : r.reason));
    expect(handed.flat().sort()).toEqual(['first', 'second']);
    const claims = await db.prisma.reviewAssignment.groupBy({ by: ['reviewItemId'], _count: true });
    expect(claims.map((c) => c._count)).toEqual([1, 1]);
  });
});

describe('items nobody is left to label close', () => {
  it('a turn every reviewer skipped closes as SKIPPED and leaves the inbox; one with a label settles on it', async () => {
    await db.prisma.reviewItem.deleteMany();
    await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 1 } });
    await makeConversation(db.prisma, [
      { text: 'nobody wants me', intent: 'get_refund', confidence: 0.2 },
      { text: 'one label is all', intent: 'track_order', confidence: 0.4 },
    ]);
    const everyone = await db.prisma.user.findMany({ select: { id: true, email: true, role: true } });
    const byText = async (text: string) =>
      db.prisma.reviewItem.findFirstOrThrow({ where: { message: { text } }, include: { labels: true } });
    const unwanted = await byText('nobody wants me');
    const settled = await byText('one label is all');

    // Two labels wanted: Rae labels, everyone else skips; the last skip leaves nobody who could add a label.
    await submitLabel(db.prisma, rae, { reviewItemId: settled.id, intent: 'track_order', entities: [] });
    expect(everyone.length).toBeGreaterThan(1);
    for (const [i, u] of everyone.entries()) {
      // Until the last one skips, each turn stays open for whoever has not.
      if (i === everyone.length - 1) {
        expect((await byText('nobody wants me')).status).toBe('OPEN');
        expect((await byText('one label is all')).status).toBe('IN_PROGRESS');
      }
      await skipItem(db.prisma, u, unwanted.id);
      if (u.id !== rae.id) await skipItem(db.prisma, u, settled.id);
    }
    expect(await byText('nobody wants me')).toMatchObject({ status: 'SKIPPED', finalIntent: null });
    expect(await byText('one label is all')).toMatchObject({
      status: 'LABELED',
      finalIntent: 'track_order',
      needsAdjudication: false,
    });
    expect(await reviewInboxList(db.prisma, { filters: none })).toEqual([]);
    const closing = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'review.skip', targetId: unwanted.id },
      orderBy: { id: 'desc' },
    });
    expect(closing.data).toMatchObject({ after: { status: 'SKIPPED' } });
  });

  it('a two-label turn on a team with one reviewer, and an engineer who never labels, settles on that one label', async () => {
    await db.prisma.reviewItem.deleteMany();
    await db.prisma.user.updateMany({ where: { id: { not: rae.id } }, data: { disabledAt: new Date() } });
    // Engineers may label; one who has not labeled or skipped a turn in 30 days is not waited for.
    await makeUser(db.prisma, 'ENGINEER', 'never-labels');
    await makeConversation(db.prisma, [{ text: 'a team of one', intent: 'get_refund', confidence: 0.2 }]);
    const [task] = await nextLabelTasks(db.prisma, { user: rae, filters: none });
    await submitLabel(db.prisma, rae, {
      reviewItemId: task!.reviewItemId,
      intent: 'get_refund',
      entities: [],
    });
    expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: task!.reviewItemId } })).toMatchObject(
      { requiredLabels: 2, status: 'LABELED', finalIntent: 'get_refund' },
    );
    await db.prisma.user.updateMany({ data: { disabledAt: null } });
  });
});
