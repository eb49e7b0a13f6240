import { AppError, isAppError } from '@acsa/core/errors';
import type { PrismaClient, RunStatus } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import { asAuditActor, type TAnyActor } from '../audit/audit-actor.ts';
import { audited } from '../audit/audited.ts';
import { type TPromotionMode, type TTrainingPreset, ZRetrainConfig } from '../retrain/config.ts';
import type { TRetrainClient } from '../retrain/retrain-client.ts';
import { auditedRequest } from './audited-request.ts';
import { isActiveRun } from './run-state.ts';

/**
 * Starts a run with a promotion mode and a training size, as `acsa retrain --mode --preset` does: through
 * the one retrain client (at most one active run; while one is active, that run comes back instead). The
 * client stores the run with its audit entry; `prisma` is kept so every run action takes the same arguments.
 */
export async function startRun(
  _prisma: PrismaClient,
  actor: TActor,
  client: TRetrainClient,
  input: { mode: TPromotionMode; preset: TTrainingPreset },
) {
  return client.request(
    {
      trigger: 'MANUAL',
      reason: `console: ${input.mode}, ${input.preset}`,
      requestedById: actor.id,
      config: { mode: input.mode, preset: input.preset },
    },
    { record: auditedRequest(actor, 'retrain.request', input) },
  );
}

/** A new run with a finished run's configuration (mode, preset, overrides, gate thresholds, seed). */
export async function replayRun(prisma: PrismaClient, actor: TActor, client: TRetrainClient, runId: string) {
  const run = await prisma.trainingRun.findUnique({
    where: { id: runId },
    select: { status: true, config: true },
  });
  if (!run) throw new AppError('NOT_FOUND', 'no such run');
  if (isActiveRun(run.status))
    throw new AppError('CONFLICT', 'this run is still active: nothing to replay yet');
  const config = ZRetrainConfig.safeParse(run.config);
  if (!config.success)
    throw new AppError('CONFLICT', 'this run’s configuration is not one this version can run');
  return client.request(
    {
      trigger: 'MANUAL',
      reason: `console: replay of run ${runId}`,
      requestedById: actor.id,
      // A replay is judged on the same frozen test rows: it never refreezes them again.
      config: { ...config.data, refreezeTest: false },
    },
    { record: auditedRequest(actor, 'retrain.replay', { replayOf: runId }) },
  );
}

/**
 * Cancels an active run at any point, audited with its reason. The run is marked cancelled with its entry
 * first, and only then do its steps not started leave the queues: a cancel whose transaction fails (the
 * entry refused, PostgreSQL gone) leaves the run as it was, queued steps included, never a run that reads
 * RUNNING with nothing left to run. When a step is executing (BullMQ cannot take a running job off its
 * queue), every trainer is told: the one running it stops it, cleans up after it and removes what is left
 * of the run. A step that starts meanwhile finds the run cancelled and refuses it (the trainers' stopReason),
 * and the row lock taken here orders the cancel with the register and promote steps' transactions, which
 * refuse a cancelled run. When Redis does not answer in time: see the two calls to it.
 *
 * `by` is the engineer who pressed Cancel in the console, or `acsa runs cancel` (`cli:<login>`, with no user
 * row, as `acsa dlq replay` and `acsa users add` are recorded); the run's note and log name them as the
 * audit log does. Returns the run as cancelled and `stopping`: the step whose trainer is told to stop, or null
 * when no step row says RUNNING (the trainers are told in every case: one executing a step just started
 * stops it too).
 */
export async function cancelRun(
  prisma: PrismaClient,
  by: TAnyActor,
  client: TRetrainClient,
  input: { runId: string; reason: string },
) {
  const reason = input.reason.trim();
  if (reason.length < 3)
    throw new AppError('BAD_REQUEST', 'say why (3 characters at least)', { field: 'reason' });
  const run = await prisma.trainingRun.findUnique({ where: { id: input.runId }, select: { status: true } });
  if (!run) throw new AppError('NOT_FOUND', 'no such run');
  if (!isActiveRun(run.status))
    throw new AppError('CONFLICT', `this run already ended (${run.status.toLowerCase()})`);
  const message = `cancelled by ${asAuditActor(by).display}: ${reason}`;
  const { after, executing } = await audited(prisma, by, async (tx) => {
    const [before] = await tx.$queryRaw<{ status: RunStatus }[]>`
        SELECT status::text AS status FROM "TrainingRun" WHERE id = ${input.runId}::uuid FOR UPDATE`;
    // The last step closed the run between the check above and this lock.
    if (!before || !isActiveRun(before.status))
      throw new AppError('CONFLICT', `this run already ended (${before?.status.toLowerCase() ?? 'gone'})`);
    const after = await tx.trainingRun.update({
      where: { id: input.runId },
      data: { status: 'CANCELLED', error: message, finishedAt: new Date() },
      select: { id: true, status: true, error: true },
    });
    await tx.trainingStep.updateMany({
      where: { runId: input.runId, status: 'PENDING' },
      data: { status: 'SKIPPED' },
    });
    const executing = await tx.trainingStep.findFirst({
      where: { runId: input.runId, status: 'RUNNING' },
      select: { name: true },
    });
    await tx.trainingLog.create({
      data: {
        runId: input.runId,
        level: 'warn',
        message: executing ? `${message}; stopping ${executing.name}` : message,
      },
    });
    return {
      result: { after, executing: executing?.name ?? null },
      audit: { action: 'retrain.cancel', targetType: 'TrainingRun', targetId: input.runId, before, after },
    };
  });
  // After the commit. Unanswered, the cancel stands as its entry records it: the run is CANCELLED in
  // PostgreSQL, which every trainer checks before a step (steps left queued are refused, and the first one
  // refused removes the rest) and, for a signal it missed, every few seconds during one; an executing step
  // stops at that check instead of at once, as the run's log says. A log line that cannot be written must
  // not report the committed cancel failed.
  const note = (line: string) =>
    prisma.trainingLog
      .create({ data: { runId: input.runId, level: 'warn', message: line } })
      .catch(() => undefined);
  const signal = () =>
    client.signalCancel(input.runId).catch(async (e: unknown) => {
      if (!isAppError(e) || e.code !== 'UNAVAILABLE') throw e;
      await note(`${e.message}; the trainer running the step stops it when it next checks the run`);
    });
  // Told first, right after the commit: the trainer executing a step of the run stops it at once (one not
  // executing any ignores it), before anything else of the cancel takes time. Then the steps not started
  // leave the queues (BullMQ keeps a flow whose step is executing: the trainer that stops it removes them).
  await signal();
  await client.removeUnstarted(input.runId).catch(async (e: unknown) => {
    if (!isAppError(e) || e.code !== 'UNAVAILABLE') throw e;
    await note(`${e.message}; the run is cancelled all the same: a trainer refuses its steps`);
  });
  return { ...after, stopping: executing ? { step: executing } : null };
}
