import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import { QUEUES, ZInteractionEvent } from '@acsa/pipelines';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { pruneReceipts, recordInteraction } from './record-interaction.ts';
import type { TUncertaintyMeasure } from './uncertainty.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export type TAnalyticsOptions = {
  prisma: PrismaClient;
  /** An ioredis connection with `maxRetriesPerRequest: null` (BullMQ blocks on it). */
  connection: Redis;
  /** BullMQ key prefix; the same one serving publishes under. */
  prefix?: string;
  logger: Logger;
  /** Events are tiny and the work is one statement each: most of the time goes waiting on PostgreSQL. */
  concurrency?: number;
  priorityBy?: TUncertaintyMeasure;
  /** How long a counted event's receipt is kept to catch redeliveries. */
  receiptTtlMs?: number;
};

/**
 * Consumes serving's interaction events: counts each turn into per-version, per-variant hourly stats and
 * opens review items for escalated, out-of-scope and low-confidence turns, prioritised by uncertainty.
 * An event that does not parse can never succeed, so it fails at once instead of being retried.
 */
export function startAnalytics(o: TAnalyticsOptions): { worker: Worker; close(): Promise<void> } {
  const ttl = o.receiptTtlMs ?? 14 * DAY_MS;
  const worker = new Worker(
    QUEUES.interactions,
    async (job) => {
      const parsed = ZInteractionEvent.safeParse(job.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const reason = `invalid interaction event: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`;
        o.logger.warn({ jobId: job.id, reason }, 'interaction event rejected');
        throw new UnrecoverableError(reason);
      }
      const r = await recordInteraction(o.prisma, parsed.data, { priorityBy: o.priorityBy });
      o.logger.debug({ jobId: job.id, ...r }, 'interaction recorded');
      return r;
    },
    { connection: o.connection, prefix: o.prefix, concurrency: o.concurrency ?? 16 },
  );
  worker.on('failed', (job, err) => {
    if (!(err instanceof UnrecoverableError))
      o.logger.error({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'interaction failed');
  });
  worker.on('error', (err) => o.logger.error({ err: err.message }, 'analytics worker error'));
  const prune = () =>
    pruneReceipts(o.prisma, new Date(Date.now() - ttl)).catch((e) =>
      o.logger.warn({ err: (e as Error).message }, 'receipt pruning failed'),
    );
  const timer = setInterval(prune, Math.min(ttl, DAY_MS) / 4);
  timer.unref();
  return {
    worker,
    async close() {
      clearInterval(timer);
      await worker.close();
    },
  };
}
