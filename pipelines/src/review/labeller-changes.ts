import type { Logger } from '@acsa/core/logger';
import { createLogger } from '@acsa/core/logger';
import { Prisma, type PrismaClient, type TransactionClient, withTransaction } from '@acsa/db';
import type { TAnyActor } from '../audit/audit-actor.ts';
import { auditIn } from '../audit/audited.ts';
import { labellerWhere, settle } from './label-actions.ts';

/**
 * How far back a SKIPPED item reopens when a labeller joins. Not all of them: a shop that went months
 * without a reviewer has a backlog of turns predicted by models retrained since, and a new reviewer's first
 * inbox should not be buried under it. Thirty days matches how long an engineer's last label keeps them a
 * labeller; raising it brings older turns back.
 */
const REOPEN_SKIPPED_WITHIN_MS = 30 * 24 * 3_600_000;

/**
 * Items moved per transaction. Each costs about six round trips (lock, settle's reads and write, audit), so
 * 200 stay well inside withTransaction's 10 s limit on a slow link, and a label waits on one batch's locks
 * at most, never on the whole inbox. Raising it trades that bound for fewer transactions.
 */
const BATCH_SIZE = 200;

/** Whether the user is, right now in this transaction, someone items wait for (see `labellerWhere`). */
export async function isLabeller(tx: TransactionClient, userId: string): Promise<boolean> {
  return (await tx.user.count({ where: { id: userId, ...labellerWhere() } })) > 0;
}

/** A committed user change, as far as the inbox cares: whether the user was a labeller before and is now. */
type TLabellerChange = { userId: string; wasLabeller: boolean; isLabeller: boolean };

export type TFollowOptions = {
  batchSize?: number;
  logger?: Pick<Logger, 'error'>;
  /** How each item is settled: label-actions.ts `settle`; a test passes one that fails. */
  settleItem?: typeof settle;
};

let fallbackLogger: Logger | undefined;
const defaultLogger = () => (fallbackLogger ??= createLogger({ name: 'review' }));

type TSweep = {
  from: ('OPEN' | 'IN_PROGRESS' | 'SKIPPED')[];
  action: 'review.reopen' | 'review.settle';
  userId: string;
  /** The items to move, read afresh in each batch's transaction. */
  where: (tx: TransactionClient) => Promise<Prisma.ReviewItemWhereInput>;
};

/**
 * Locks the items (in id order, so two sweeps never deadlock), and settles each one still in one of `from`
 * as a label or a skip would, audited one entry per item moved, as disabling hands back escalations.
 */
async function resettle(
  tx: TransactionClient,
  actor: TAnyActor,
  sweep: TSweep & { ids: string[]; settleItem: typeof settle },
) {
  if (sweep.ids.length === 0) return 0;
  const locked = await tx.$queryRaw<{ id: string; status: string }[]>(Prisma.sql`
    SELECT id, status::text AS status FROM "ReviewItem" WHERE id = ANY(${sweep.ids}::uuid[])
    ORDER BY id FOR UPDATE`);
  let moved = 0;
  for (const item of locked) {
    // Read after the lock: a label or skip that committed meanwhile has settled it already.
    if (!(sweep.from as string[]).includes(item.status)) continue;
    const after = await sweep.settleItem(tx, item.id);
    if (after.status === item.status) continue;
    moved += 1;
    await auditIn(tx, actor, {
      action: sweep.action,
      targetType: 'ReviewItem',
      targetId: item.id,
      before: { status: item.status },
      after: { status: after.status, finalIntent: after.finalIntent, user: sweep.userId },
    });
  }
  return moved;
}

/**
 * Moves the sweep's items `batchSize` at a time, one transaction each, in id order (a keyset, so an item a
 * batch left where it was is not read again). Never throws: the user change committed before and stands;
 * a failed batch is logged and its items stay as they were (see `followLabellerChange` for who picks
 * them up). Returns how many moved and whether the sweep ran to its end.
 */
async function inBatches(prisma: PrismaClient, actor: TAnyActor, sweep: TSweep, options: TFollowOptions) {
  const size = options.batchSize ?? BATCH_SIZE;
  const settleItem = options.settleItem ?? settle;
  let moved = 0;
  let cursor: string | undefined;
  try {
    for (;;) {
      const batch = await withTransaction(
        prisma,
        async (tx) => {
          const where = await sweep.where(tx);
          const ids = (
            await tx.reviewItem.findMany({
              where: cursor ? { AND: [where, { id: { gt: cursor } }] } : where,
              orderBy: { id: 'asc' },
              take: size,
              select: { id: true },
            })
          ).map((i) => i.id);
          return { ids, moved: await resettle(tx, actor, { ...sweep, ids, settleItem }) };
        },
        { isolationLevel: 'ReadCommitted' },
      );
      moved += batch.moved;
      if (batch.ids.length < size) return { moved, complete: true };
      cursor = batch.ids.at(-1);
    }
  } catch (err) {
    const message =
      sweep.action === 'review.settle'
        ? `open review items left unsettled after a user change (${moved} settled first): a label or skip on one, or the next labeller leaving, settles them`
        : `skipped review items left closed after a user change (${moved} reopened first): the next labeller joining reopens them`;
    const logger = options.logger ?? defaultLogger();
    logger.error({ err, userId: sweep.userId, action: sweep.action, moved }, message);
    // In the audit log too, under the person who made the change: the page they read, not the server's log.
    await withTransaction(prisma, (tx) =>
      auditIn(tx, actor, {
        action: `${sweep.action}.incomplete`,
        targetType: 'User',
        targetId: sweep.userId,
        before: null,
        after: { moved, error: (err as Error).message, message },
      }),
    ).catch((e) =>
      logger.error({ err: e, userId: sweep.userId }, 'the incomplete follow-up was not audited'),
    );
    return { moved, complete: false };
  }
}

/**
 * Follows a committed user change (added, role changed, disabled or enabled) into the review inbox, after
 * it and apart from it: the change never waits on, nor fails with, the size of the inbox. Someone who became
 * a labeller reopens the SKIPPED items they could label (closed because nobody was left; those they skipped
 * themselves stay closed); someone who stopped being one settles the open items nobody is left for, on the
 * labels they have or, with none, as SKIPPED. Each moved item has its own audit entry (review.reopen /
 * review.settle); the user change's entry holds no counts, since it commits before any item moves.
 *
 * A batch that fails leaves the rest where it was, logged. Nothing periodic sweeps them up; these do:
 * a label or skip on an item settles it (label-actions.ts), and the settle sweep takes every open item
 * nobody is left for, not only those the leaving user had not done, so the next labeller leaving settles
 * what an earlier sweep left. Items left OPEN with no labeller at all are the inbox as it was before this
 * sweep existed: a labeller joining makes them theirs to label. SKIPPED items left unreopened reopen on
 * the next labeller joining, within the 30 days.
 */
export async function followLabellerChange(
  prisma: PrismaClient,
  actor: TAnyActor,
  change: TLabellerChange,
  options: TFollowOptions = {},
): Promise<{ reviewItemsReopened: number; reviewItemsSettled: number; complete: boolean }> {
  const { userId } = change;
  if (change.isLabeller && !change.wasLabeller) {
    const reopened = await inBatches(
      prisma,
      actor,
      {
        from: ['SKIPPED'],
        action: 'review.reopen',
        userId,
        where: async () => ({
          status: 'SKIPPED',
          resolvedAt: { gte: new Date(Date.now() - REOPEN_SKIPPED_WITHIN_MS) },
          labels: { none: {} },
          assignments: { none: { userId, completedAt: { not: null } } },
        }),
      },
      options,
    );
    return { reviewItemsReopened: reopened.moved, reviewItemsSettled: 0, complete: reopened.complete };
  }
  if (change.wasLabeller && !change.isLabeller) {
    const settled = await inBatches(
      prisma,
      actor,
      {
        from: ['OPEN', 'IN_PROGRESS'],
        action: 'review.settle',
        userId,
        // Items every remaining labeller has labeled or skipped (with none left, every open item): nobody
        // is left. Read per batch, so a labeller who joins mid-sweep stops it from settling their items.
        where: async (tx) => {
          const others = await tx.user.findMany({ where: labellerWhere(), select: { id: true } });
          return {
            status: { in: ['OPEN', 'IN_PROGRESS'] },
            AND: others.map((o) => ({ assignments: { some: { userId: o.id, completedAt: { not: null } } } })),
          };
        },
      },
      options,
    );
    return { reviewItemsReopened: 0, reviewItemsSettled: settled.moved, complete: settled.complete };
  }
  return { reviewItemsReopened: 0, reviewItemsSettled: 0, complete: true };
}
