import { AppError } from '@acsa/core/errors';
import { Prisma, type PrismaClient, type TransactionClient } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { audited } from '../audit/audited.ts';
import { assertKnownIntent, checkedSpans } from './label-checks.ts';
import type { TEntitySpan } from './review-types.ts';

/**
 * Takes the item's row lock for the rest of the transaction: every change to an item's labels or outcome
 * (a label, a skip, an undo, an adjudication) takes it first, so they apply one after another.
 */
export async function lockReviewItem(tx: TransactionClient, reviewItemId: string): Promise<void> {
  await tx.$queryRaw(Prisma.sql`SELECT 1 FROM "ReviewItem" WHERE id = ${reviewItemId}::uuid FOR UPDATE`);
}

/** Locks the item so two labels arriving together settle it once, and returns what the label needs. */
async function lockItem(tx: TransactionClient, reviewItemId: string) {
  await lockReviewItem(tx, reviewItemId);
  const item = await tx.reviewItem.findUnique({
    where: { id: reviewItemId },
    select: {
      id: true,
      status: true,
      requiredLabels: true,
      finalIntent: true,
      needsAdjudication: true,
      adjudicatedAt: true,
      message: {
        select: {
          id: true,
          text: true,
          intent: true,
          confidence: true,
          topK: true,
          modelVersionId: true,
          variant: true,
        },
      },
      labels: { select: { userId: true, intent: true } },
    },
  });
  if (!item) throw new AppError('NOT_FOUND', 'no such review item');
  return item;
}

/** An engineer or admin who labeled or skipped a turn this recently is one of the team's labellers. */
const LABELLER_ACTIVE_MS = 30 * 24 * 3_600_000;

/**
 * Who may still be waited for, on any item: enabled, and a reviewer or an engineer/admin who labeled or
 * skipped a turn in the last 30 days. One definition for `labellersLeft` and for the user changes that
 * reopen or settle items (review/labeller-changes.ts), so the two never disagree on who counts.
 */
export function labellerWhere(): Prisma.UserWhereInput {
  const since = new Date(Date.now() - LABELLER_ACTIVE_MS);
  return {
    disabledAt: null,
    OR: [{ role: 'REVIEWER' }, { assignments: { some: { completedAt: { gte: since } } } }],
  };
}

/**
 * How many people could still label the item, less those who labeled or skipped it (live claims still
 * count as could-label). Every role may label, but engineers and admins mostly do not: they count only
 * when they labeled or skipped a turn in the last 30 days, or an item would wait for ever on someone who
 * never reviews. Every active reviewer counts, new ones included.
 */
function labellersLeft(tx: TransactionClient, reviewItemId: string) {
  return tx.user.count({
    where: { ...labellerWhere(), assignments: { none: { reviewItemId, completedAt: { not: null } } } },
  });
}

/**
 * Nobody labeled the item and nobody is left who could: it closes, and leaves the inbox. The only writer of
 * a review item's SKIPPED: review/labeller-changes.ts reopens SKIPPED items without labels when a labeller
 * joins, on that ground. A SKIPPED for any other reason needs a way to tell it apart (a column) first.
 */
function closeSkipped(tx: TransactionClient, reviewItemId: string) {
  return tx.reviewItem.update({
    where: { id: reviewItemId },
    data: { status: 'SKIPPED', resolvedAt: new Date(), finalIntent: null, needsAdjudication: false },
    select: { id: true, status: true, finalIntent: true, needsAdjudication: true },
  });
}

/**
 * Settles an item from its labels: short of `requiredLabels` it stays in progress; with enough, labels that
 * agree make the final intent, and labels that disagree send it to adjudication (an engineer decides).
 */
export async function settle(tx: TransactionClient, reviewItemId: string) {
  const item = await tx.reviewItem.findUniqueOrThrow({
    where: { id: reviewItemId },
    select: {
      requiredLabels: true,
      finalIntent: true,
      adjudicatedAt: true,
      labels: { select: { intent: true } },
    },
  });
  const intents = new Set(item.labels.map((l) => l.intent));
  // Once nobody is left who could label it (everyone labeled or skipped), waiting cannot help: with some
  // labels it settles on those (an overlap item on a one-reviewer team takes its one label as final;
  // requiredLabels stays, and agreement counts only items with two labels or more), with none it closes as
  // SKIPPED. Undo makes its author a possible labeller again, so an undone label reopens the item.
  const short = item.labels.length < item.requiredLabels;
  const nobodyLeft = short && (await labellersLeft(tx, reviewItemId)) === 0;
  if (nobodyLeft && item.labels.length === 0) return closeSkipped(tx, reviewItemId);
  const done = !short || nobodyLeft;
  // An adjudication is final (undo refuses it, adjudicate needs a LABELED item under the lock), so settle
  // keeps its intent and never asks for adjudication again: needsAdjudication with adjudicatedAt set is an
  // item the adjudication list (adjudicatedAt null) never shows, done or not. Items adjudicated mid-undo
  // before adjudicate took the lock are IN_PROGRESS with adjudicatedAt set; their next label lands here.
  const adjudicated = item.adjudicatedAt !== null;
  return tx.reviewItem.update({
    where: { id: reviewItemId },
    data: done
      ? {
          status: 'LABELED',
          resolvedAt: new Date(),
          finalIntent: adjudicated ? item.finalIntent : intents.size === 1 ? [...intents][0] : null,
          needsAdjudication: !adjudicated && intents.size > 1,
        }
      : {
          status: item.labels.length > 0 ? 'IN_PROGRESS' : 'OPEN',
          resolvedAt: null,
          finalIntent: adjudicated ? item.finalIntent : null,
          needsAdjudication: false,
        },
    select: { id: true, status: true, finalIntent: true, needsAdjudication: true },
  });
}

/**
 * Saves one reviewer's label of a turn with who, when and what the model predicted. One label per person
 * and turn; an item already settled by others' labels is refused (CONFLICT), so a late label never
 * overrides a decision silently. An intent outside the taxonomy or a span outside the text is refused
 * (BAD_REQUEST), whoever calls.
 */
export async function submitLabel(
  prisma: PrismaClient,
  actor: TActor,
  input: { reviewItemId: string; intent: string; entities: TEntitySpan[] },
) {
  return audited(prisma, actor, async (tx) => {
    const item = await lockItem(tx, input.reviewItemId);
    if (item.labels.some((l) => l.userId === actor.id))
      throw new AppError('CONFLICT', 'you have already labeled this turn; undo it to change your label');
    if (item.status === 'LABELED' || item.status === 'SKIPPED')
      throw new AppError('CONFLICT', 'this turn already has the labels it needs');
    const m = item.message;
    // Checked before the first write: a refused label leaves the item, its assignment and the log as they were.
    await assertKnownIntent(tx, input.intent);
    const entities = checkedSpans(m.text, input.entities);
    const label = await tx.label.create({
      data: {
        messageId: m.id,
        reviewItemId: item.id,
        userId: actor.id,
        intent: input.intent,
        entities,
        prediction: {
          intent: m.intent,
          confidence: m.confidence,
          modelVersionId: m.modelVersionId,
          variant: m.variant,
          topK: m.topK ?? [],
        },
      },
      select: { id: true, intent: true, entities: true, createdAt: true },
    });
    await tx.reviewAssignment.upsert({
      where: { reviewItemId_userId: { reviewItemId: item.id, userId: actor.id } },
      create: { reviewItemId: item.id, userId: actor.id, completedAt: new Date() },
      update: { completedAt: new Date(), skippedAt: null },
    });
    const after = await settle(tx, item.id);
    return {
      result: { labelId: label.id, item: after },
      audit: {
        action: 'label.create',
        targetType: 'ReviewItem',
        targetId: item.id,
        before: { status: item.status, labels: item.labels.length },
        after: { label, status: after.status, finalIntent: after.finalIntent },
      },
    };
  });
}

/**
 * The reviewer passes on a turn: it is not shown to them again and stays open for others, unless nobody else
 * could label it: then it settles on the labels it has or, with none, closes as SKIPPED (see `settle`).
 */
export async function skipItem(prisma: PrismaClient, actor: TActor, reviewItemId: string) {
  return audited(prisma, actor, async (tx) => {
    const item = await lockItem(tx, reviewItemId);
    const now = new Date();
    await tx.reviewAssignment.upsert({
      where: { reviewItemId_userId: { reviewItemId, userId: actor.id } },
      create: { reviewItemId, userId: actor.id, completedAt: now, skippedAt: now },
      update: { completedAt: now, skippedAt: now },
    });
    // A settled item stays as it was settled: a late skip must not move its resolvedAt or decision.
    const open = item.status === 'OPEN' || item.status === 'IN_PROGRESS';
    const after = open ? await settle(tx, reviewItemId) : { status: item.status };
    return {
      result: { reviewItemId, status: after.status },
      audit: {
        action: 'review.skip',
        targetType: 'ReviewItem',
        targetId: reviewItemId,
        before: { status: item.status },
        after: { skippedBy: actor.email, status: after.status },
      },
    };
  });
}

/**
 * Takes back one of the actor's labels (the `z` key): the label is deleted, the item reopens for them, and
 * whatever it settled is unsettled. The browser names the label it undoes (the id `submitLabel` returned):
 * "the newest label" was the newest on the server, so with two tabs open `z` in one deleted the other's.
 * Refused when the label is gone (undone already, or its turn removed) or not the actor's (NOT_FOUND), or
 * when an engineer has adjudicated over it (CONFLICT): that decision is final.
 */
export async function undoLabel(prisma: PrismaClient, actor: TActor, input: { labelId: string }) {
  return audited(prisma, actor, async (tx) => {
    const find = () =>
      tx.label.findUnique({
        where: { id: input.labelId },
        select: { id: true, userId: true, intent: true, entities: true, reviewItemId: true, createdAt: true },
      });
    const found = await find();
    if (!found?.reviewItemId)
      throw new AppError('NOT_FOUND', 'this label is gone: it was undone already or its turn was removed');
    if (found.userId !== actor.id)
      throw new AppError('NOT_FOUND', "this label is another reviewer's: only its author can undo it");
    const item = await lockItem(tx, found.reviewItemId);
    // Read again under the item's lock: an earlier undo of this label may have deleted it since the first read
    // (the browser tries an undo again when no answer came, and the first try may still have gone through).
    const label = await find();
    if (!label)
      throw new AppError('NOT_FOUND', 'this label is gone: it was undone already (by an earlier try, say)');
    if (item.adjudicatedAt)
      throw new AppError('CONFLICT', 'an engineer has adjudicated this turn; the decision stands');
    await tx.label.delete({ where: { id: label.id } });
    await tx.reviewAssignment.update({
      where: { reviewItemId_userId: { reviewItemId: item.id, userId: actor.id } },
      data: { completedAt: null, skippedAt: null, assignedAt: new Date() },
    });
    const after = await settle(tx, item.id);
    const { userId: _, ...undone } = label;
    return {
      result: { reviewItemId: item.id, labelId: label.id, intent: label.intent },
      audit: {
        action: 'label.undo',
        targetType: 'ReviewItem',
        targetId: item.id,
        before: { label: undone, status: item.status },
        after,
      },
    };
  });
}

/**
 * Takes back the actor's newest label, for callers that hold no label id (tests, scripts). The console
 * never uses it: with two tabs open the newest label may be the other tab's (see `undoLabel`).
 */
export async function undoLastLabel(prisma: PrismaClient, actor: TActor) {
  const last = await prisma.label.findFirst({
    where: { userId: actor.id, reviewItemId: { not: null } },
    orderBy: { createdAt: 'desc' },
    select: { id: true },
  });
  if (!last) throw new AppError('NOT_FOUND', 'you have no label to undo');
  return undoLabel(prisma, actor, { labelId: last.id });
}
