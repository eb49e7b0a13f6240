import { AppError } from '@acsa/core/errors';
import type { PrismaClient } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { replayDeadLetter, type TQueueDeps, type TReplayResult } from './dead-letter-ops.ts';

/**
 * The console's replay: `acsa dlq replay ID`, audited as the engineer who pressed it. The letter's payload
 * is not copied into the audit log (it may hold what the listing masks); the queue and job ids are.
 */
export async function replayDeadLetterFromConsole(
  prisma: PrismaClient,
  actor: TActor,
  deps: TQueueDeps,
  id: string,
): Promise<TReplayResult> {
  let result: TReplayResult;
  try {
    result = await replayDeadLetter(deps, id);
  } catch (e) {
    const message = (e as Error).message;
    if (/^no dead letter/.test(message)) throw new AppError('NOT_FOUND', message);
    if (/nothing to replay/.test(message)) throw new AppError('CONFLICT', message);
    throw e;
  }
  await prisma.auditLog.create({
    data: {
      actorType: 'USER',
      actorId: actor.id,
      actor: actor.email,
      action: 'dead-letter.replay',
      targetType: 'DeadLetter',
      targetId: id,
      data: { before: null, after: result },
    },
  });
  return result;
}

export type TReplayManyResult = {
  replayed: (TReplayResult & { id: string })[];
  failed: { id: string; error: string }[];
};

/**
 * "Replay selected": each letter replayed and audited on its own, one after another, so one that fails
 * (gone, nothing to replay) is reported and the rest still run; nothing is rolled back.
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
      out.failed.push({ id, error: (e as Error).message });
    }
  }
  return out;
}
