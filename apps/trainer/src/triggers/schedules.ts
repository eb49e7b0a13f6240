import { SCHEDULES, type TTriggerJob } from '@acsa/pipelines';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Puts the trigger schedules in place. Upserting is idempotent, so every trainer replica may do it at
 * start; a schedule switched off is removed, not left running from an earlier start.
 */
export async function upsertTriggerSchedules(
  queue: Queue,
  options: {
    labelCheckEveryMs: number | null;
    retrainCron: string | null;
    experimentCheckEveryMs?: number | null;
  },
): Promise<void> {
  const labelJob: TTriggerJob = { v: 1, kind: 'label-check' };
  const retrainJob: TTriggerJob = { v: 1, kind: 'scheduled-retrain' };
  const keep = { removeOnComplete: 100, removeOnFail: 100 };
  if (options.labelCheckEveryMs)
    await queue.upsertJobScheduler(
      SCHEDULES.labelCheck.id,
      { every: options.labelCheckEveryMs },
      { name: 'label-check', data: labelJob, opts: keep },
    );
  else await queue.removeJobScheduler(SCHEDULES.labelCheck.id);
  if (options.retrainCron)
    await queue.upsertJobScheduler(
      SCHEDULES.retrain.id,
      { pattern: options.retrainCron, tz: 'UTC' },
      { name: 'scheduled-retrain', data: retrainJob, opts: keep },
    );
  else await queue.removeJobScheduler(SCHEDULES.retrain.id);
  const experimentJob: TTriggerJob = { v: 1, kind: 'experiment-check' };
  if (options.experimentCheckEveryMs)
    await queue.upsertJobScheduler(
      SCHEDULES.experimentCheck.id,
      { every: options.experimentCheckEveryMs },
      { name: 'experiment-check', data: experimentJob, opts: keep },
    );
  else await queue.removeJobScheduler(SCHEDULES.experimentCheck.id);
  // Always: a stuck run blocks every trigger, the button included.
  const runJob: TTriggerJob = { v: 1, kind: 'run-check' };
  await queue.upsertJobScheduler(
    SCHEDULES.runCheck.id,
    { every: SCHEDULES.runCheck.everyMs },
    { name: 'run-check', data: runJob, opts: keep },
  );
  // Always: failed runs' directories are kept for replays, and would otherwise fill the disk.
  const sweepJob: TTriggerJob = { v: 1, kind: 'run-dir-sweep' };
  await queue.upsertJobScheduler(
    SCHEDULES.runDirSweep.id,
    { every: SCHEDULES.runDirSweep.everyMs },
    { name: 'run-dir-sweep', data: sweepJob, opts: keep },
  );
  // Always: the experiments page reads ended experiments' stored counts, which only this keeps fresh.
  const resultsJob: TTriggerJob = { v: 1, kind: 'experiment-results' };
  await queue.upsertJobScheduler(
    SCHEDULES.experimentResults.id,
    { every: SCHEDULES.experimentResults.everyMs },
    { name: 'experiment-results', data: resultsJob, opts: keep },
  );
}

/**
 * Puts schedules back each time `connection` is ready again after a reconnect. BullMQ keeps its job
 * schedulers in Redis, so a Redis that comes back without its data (restarted with no persistence, or a
 * failover to a replica that had not caught up) comes back with none: no run check, no drift check, no
 * sweep, until a trainer restarts. Measured by bench/faults (Redis killed and restarted empty while a run
 * was training): its jobs went with the data, and with the run check gone nothing failed the run. `upsert`
 * is idempotent, so a ready that lost nothing costs one round trip per schedule. Returns the listener's
 * removal.
 */
export function keepScheduled(
  connection: Redis,
  upsert: () => Promise<unknown>,
  onError: (e: Error) => void,
): () => void {
  const again = () => void upsert().catch(onError);
  connection.on('ready', again);
  return () => connection.off('ready', again);
}
