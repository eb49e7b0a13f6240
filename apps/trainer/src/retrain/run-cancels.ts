import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import { retrainCancelChannel } from '@acsa/pipelines/retrain';
import type { Redis } from 'ioredis';
import type { StepWorker } from './step-worker.ts';

export type TRunCancels = {
  /**
   * Why a step of this run must not start, or null: a step worker asks before it starts one. A cancelled
   * run; or one given up before any step ran: its steps were taken as never sent (the queue refused them
   * or the connection broke while they were sent) or as lost, and another run may have started since, so
   * a flow that reached the queue after all must not bring it back.
   */
  stopReason(runId: string): Promise<string | null>;
  /** Starts stopping the workers' steps of runs the console cancels. */
  listen(workers: StepWorker[]): void;
  close(): Promise<void>;
};

/**
 * How a trainer learns that a run it is executing a step of was cancelled, whichever process cancelled
 * it: at once from the cancel channel (Redis pub/sub), and, for a message missed while this trainer was
 * reconnecting, from PostgreSQL every `pollMs` while it executes a step (the run's status is the truth).
 */
export function createRunCancels(o: {
  prisma: PrismaClient;
  /** A connection to duplicate for the subscription (a subscribed connection can do nothing else). */
  connection: Redis;
  prefix: string;
  logger: Logger;
  pollMs?: number;
}): TRunCancels {
  const channel = retrainCancelChannel(o.prefix);
  let subscriber: Redis | null = null;
  let timer: NodeJS.Timeout | null = null;
  let workers: StepWorker[] = [];

  const stop = (runId: string, how: string) => {
    const stopped = workers.filter((w) => w.cancelRun(runId)).length;
    if (stopped) o.logger.info({ runId, how }, 'run cancelled: stopping its step');
  };
  const poll = async () => {
    const active = [...new Set(workers.flatMap((w) => w.activeRuns()))];
    if (!active.length) return;
    const cancelled = await o.prisma.trainingRun.findMany({
      where: { id: { in: active }, status: 'CANCELLED' },
      select: { id: true },
    });
    for (const r of cancelled) stop(r.id, 'poll');
  };

  return {
    async stopReason(runId) {
      const run = await o.prisma.trainingRun.findUnique({
        where: { id: runId },
        select: { status: true, startedAt: true, error: true },
      });
      if (run?.status === 'CANCELLED') return 'the run was cancelled';
      if (run?.status === 'FAILED' && !run.startedAt)
        return `the run was given up before it started (${run.error ?? 'failed'})`;
      return null;
    },
    listen(list) {
      workers = list;
      subscriber = o.connection.duplicate();
      subscriber.on('error', (e) => o.logger.debug({ err: e.message }, 'cancel channel: redis error'));
      subscriber.on('message', (_channel: string, runId: string) => stop(runId, 'signal'));
      // Not awaited: a trainer starts while Redis is away too (ioredis subscribes once it connects, and
      // again after each reconnect); until then the poll covers.
      subscriber
        .subscribe(channel)
        .catch((e) => o.logger.warn({ err: (e as Error).message }, 'cancel channel: not subscribed'));
      timer = setInterval(
        () => void poll().catch((e) => o.logger.warn({ err: (e as Error).message }, 'cancel poll failed')),
        o.pollMs ?? 5_000,
      );
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      subscriber?.disconnect();
    },
  };
}
