import { AppError } from '@acsa/core/errors';
import { type PrismaClient, type TransactionClient, withTransaction } from '@acsa/db';
import type { TAnyActor } from '../audit/audit-actor.ts';
import { auditIn } from '../audit/audited.ts';
import { ACTIVE_RUN_STATUSES } from '../runs/run-state.ts';
import {
  ReplayNoAnswerError,
  replayDeadLetter,
  type TQueueDeps,
  type TReplayOptions,
  type TReplayResult,
} from './dead-letter-ops.ts';
import { ReplayedUnrecordedError } from './replayed-unrecorded-error.ts';

const asAppError = (e: unknown) => {
  const message = (e as Error).message;
  if (/^no dead letter/.test(message)) return new AppError('NOT_FOUND', message);
  if (/nothing to replay/.test(message)) return new AppError('CONFLICT', message);
  return e;
};

/**
 * A step of a retraining run, replayed, resumes its run: refused while another run is active, as starting
 * or replaying a run is (at most one runs at a time: two would train side by side, each promoting from
 * what it saw).
 */
async function refuseBesideActiveRun(
  db: Pick<TransactionClient, 'trainingRun'>,
  plan: TReplayResult,
): Promise<void> {
  if (!plan.runId) return;
  const other = await db.trainingRun.findFirst({
    where: { status: { in: [...ACTIVE_RUN_STATUSES] }, id: { not: plan.runId } },
    select: { id: true },
  });
  if (other)
    throw new AppError(
      'CONFLICT',
      `run ${other.id.slice(0, 8)} is active: replaying this step would resume run ${plan.runId.slice(0, 8)} beside it. Wait until run ${other.id.slice(0, 8)} ends, or cancel it, then replay`,
    );
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * A step replayed resumes its run from the run's working directory (its data files, bundles), which the
 * trainer removes once the run ended RUN_DIR_RETENTION_DAYS ago: such a replay could only fail again.
 * The row lock orders this check with the trainer's sweep, which marks the run before removing anything; a
 * replay that goes ahead stamps the run (replayedAt), so a sweep that read it as expired just before leaves
 * its directory for another retention period.
 */
/** A replayed step's run keeps its directory for another retention period (the sweep reads replayedAt). */
const stampReplayed = (db: TransactionClient, runId: string) =>
  db.$executeRaw`UPDATE "TrainingRun" SET "replayedAt" = now() AT TIME ZONE 'UTC' WHERE id = ${runId}::uuid`;

async function refuseRemovedRunDir(db: TransactionClient, plan: TReplayResult): Promise<void> {
  if (!plan.runId) return;
  const [run] = await db.$queryRaw<{ finishedAt: Date | null; workDirRemovedAt: Date | null }[]>`
    SELECT "finishedAt", "workDirRemovedAt" FROM "TrainingRun" WHERE id = ${plan.runId}::uuid FOR UPDATE`;
  if (!run?.workDirRemovedAt) {
    // Seen by the sweep, which waits for this lock and then re-reads the row: it keeps the directory.
    await stampReplayed(db, plan.runId);
    return;
  }
  const days = run.finishedAt
    ? Math.floor((run.workDirRemovedAt.getTime() - run.finishedAt.getTime()) / DAY_MS)
    : null;
  throw new AppError(
    'CONFLICT',
    `run ${plan.runId.slice(0, 8)}'s working directory was removed ${days === null ? '' : `${days} days after the run ended `}(RUN_DIR_RETENTION_DAYS), and replaying its step needs it: nothing was replayed and the dead letter is kept; start a new retraining run`,
  );
}

/**
 * A replay of the console's and of `acsa dlq replay ID`: audited as the engineer who pressed it, or as the
 * CLI's user (`cli:<login>`, with no user row, as `acsa models promote` and `acsa users add` are recorded).
 * The letter's payload is not copied into the audit log (it may hold what the listing masks); the queue and
 * job ids are.
 *
 * The replay happens in Redis, the entry in PostgreSQL: the entry is written first, in a transaction left
 * open while the job is queued again and committed after, so an entry that cannot be written stops the
 * replay and a replay that fails leaves no entry. Only the commit itself can fail after the replay: the
 * entry is then written again on its own, and if that fails too the error says the letter was replayed.
 *
 * Redis that does not answer within the deadline (REPLAY_REDIS_TIMEOUT_MS, each call) is an UNAVAILABLE
 * error saying whether the replay was sent. One that was sent may have queued the job again, so its entry
 * is stored, with the unanswered replay's words.
 */
export async function replayDeadLetterFromConsole(
  prisma: PrismaClient,
  by: TAnyActor,
  deps: TQueueDeps,
  id: string,
  options: Pick<TReplayOptions, 'timeoutMs'> & {
    /** Called after the entry is written and before the replay is sent (tests make Redis go silent here). */
    beforeSend?: () => Promise<void>;
  } = {},
): Promise<TReplayResult> {
  // Stamps the run again: when the replay's own transaction could not commit, the entry written after it is
  // what keeps the sweep off the directory of a run whose step was queued again.
  const record = async (tx: TransactionClient, plan: TReplayResult & { unanswered?: string }) => {
    if (plan.runId) await stampReplayed(tx, plan.runId);
    return auditIn(tx, by, {
      action: 'dead-letter.replay',
      targetType: 'DeadLetter',
      targetId: id,
      before: null,
      after: plan,
    });
  };
  const done: { plan?: TReplayResult; result?: TReplayResult } = {};
  try {
    // One attempt: a transaction run again would replay the letter again.
    return await withTransaction(
      prisma,
      async (tx) => {
        done.result = await replayDeadLetter(deps, id, {
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          beforeReplay: async (plan) => {
            await refuseRemovedRunDir(tx, plan);
            await refuseBesideActiveRun(tx, plan);
            await record(tx, plan);
            done.plan = plan;
            await options.beforeSend?.();
          },
        });
        return done.result;
      },
      { isolationLevel: 'ReadCommitted', attempts: 1 },
    );
  } catch (e) {
    if (e instanceof ReplayNoAnswerError) {
      const unavailable = new AppError('UNAVAILABLE', e.message, { cause: e });
      if (!e.sent) throw unavailable;
      const sent = e.sent;
      await withTransaction(prisma, (tx) => record(tx, { ...sent, unanswered: e.message }), {
        isolationLevel: 'ReadCommitted',
      }).catch(() => {
        // Caused by the unanswered replay still, so "Replay selected" stops at it too.
        throw new AppError(
          'UNAVAILABLE',
          `${e.message}; the audit log could not record it either: tell an admin`,
          { cause: e },
        );
      });
      throw unavailable;
    }
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
  actor: TAnyActor,
  deps: TQueueDeps,
  ids: string[],
  options: Pick<TReplayOptions, 'timeoutMs'> = {},
): Promise<TReplayManyResult> {
  const out: TReplayManyResult = { replayed: [], failed: [] };
  let silent: string | null = null;
  for (const id of new Set(ids)) {
    // Once Redis did not answer, the rest are not tried: each would wait out the deadline again.
    if (silent) {
      out.failed.push({ id, error: `not tried: ${silent}` });
      continue;
    }
    try {
      out.replayed.push({ id, ...(await replayDeadLetterFromConsole(prisma, actor, deps, id, options)) });
    } catch (e) {
      if (e instanceof ReplayedUnrecordedError) out.replayed.push({ id, ...e.result, unrecorded: e.message });
      else out.failed.push({ id, error: (e as Error).message });
      const unanswered = (e as Error).cause;
      if (unanswered instanceof ReplayNoAnswerError)
        silent = `Redis at ${unanswered.where} did not answer within ${unanswered.within}`;
    }
  }
  return out;
}
