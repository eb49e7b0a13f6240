import { AppError } from '@acsa/core/errors';
import { type PrismaClient, type TransactionClient, withTransaction } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { auditIn } from '../audit/audited.ts';
import { replayDeadLetter, type TQueueDeps, type TReplayResult } from './dead-letter-ops.ts';
import { ReplayedUnrecordedError } from './replayed-unrecorded-error.ts';

const asAppError = (e: unknown) => {
  const message = (e as Error).message;
  if (/^no dead letter/.test(message)) return new AppError('NOT_FOUND', message);
  if (/nothing to replay/.test(message)) return new AppError('CONFLICT', message);
  return e;
};

/**
 * The console's replay: `acsa dlq replay ID`, audited as the engineer who pressed it. The letter's payload
 * is not copied into the audit log (it may hold what the listing masks); the queue and job ids are.
 *
 * The replay happens in Redis, the entry in PostgreSQL: the entry is written first, in a transaction left
 * open while the job is queued again and committed after, so an entry that cannot be written stops the
 * replay and a replay that fails leaves no entry. Only the commit itself can fail after the replay: the
 * entry is then written again on its own, and if that fails too the error says the letter was replayed.
 */
export async function replayDeadLetterFromConsole(
  prisma: PrismaClient,
  actor: TActor,
  deps: TQueueDeps,
  id: string,
): Promise<TReplayResult> {
  const record = (tx: TransactionClient, plan: TReplayResult) =>
    auditIn(tx, actor, {
      action: 'dead-letter.replay',
      targetType: 'DeadLetter',
      targetId: id,
      before: null,
      after: plan,
    });
  const done: { plan?: TReplayResult; result?: TReplayResult } = {};
  try {
    // One attempt: a transaction run again would replay the letter again.
    return await withTransaction(
      prisma,
      async (tx) => {
        done.result = await replayDeadLetter(deps, id, {
          beforeReplay: async (plan) => {
            await record(tx, plan);
            done.plan = plan;
          },
        });
        return done.result;
      },
      { isolationLevel: 'ReadCommitted', attempts: 1 },
    );
  } catch (e) {
    if (!done.plan || !done.result) throw asAppError(e);
    const { plan, result } = done;
    try {
      await withTransaction(prisma, (tx) => record(tx, plan), { isolationLevel: 'ReadCommitted' });
      return result;
    } catch (again) {
      throw new ReplayedUnrecordedError(id, result, again);
    }
  }
}

export type TReplayManyResult = {
  /** `unrecorded`: replayed, but its audit entry could not be stored (ReplayedUnrecordedError's message). */
  replayed: (TReplayResult & { id: string; unrecorded?: string })[];
  failed: { id: string; error: string }[];
};

/**
 * "Replay selected": each letter replayed and audited on its own, one after another, so one that fails
 * (gone, nothing to replay) is reported and the rest still run; nothing is rolled back. A letter is reported
 * replayed whenever its job was queued again, even when its audit entry could not be stored.
 */
export async function replayDeadLettersFromConsole(
  prisma: PrismaClient,
  actor: TActor,
  deps: TQueueDeps,
  ids: string[],
): Promise<TReplayManyResult> {
  const out: TReplayManyResult = { replayed: [], failed: [] };
  for (const id of new Set(ids)) {
    try {
      out.replayed.push({ id, ...(await replayDeadLetterFromConsole(prisma, actor, deps, id)) });
    } catch (e) {
      if (e instanceof ReplayedUnrecordedError) out.replayed.push({ id, ...e.result, unrecorded: e.message });
      else out.failed.push({ id, error: (e as Error).message });
    }
  }
  return out;
}
