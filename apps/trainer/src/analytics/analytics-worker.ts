import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import { parseInteractionJob, QUEUES } from '@acsa/pipelines';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { pruneReceipts, recordInteraction, type TRecorded } from './record-interaction.ts';
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
 * Consumes serving's interaction events, a batch per job: counts each turn into per-version, per-variant
 * hourly stats and opens review items for escalated, out-of-scope and low-confidence turns, prioritised by
 * uncertainty. Every event is validated on its own and the valid ones are recorded even when others are
 * not; an invalid event can never succeed, so the job then fails at once, without retries, naming each one
 * (the dead letter keeps the batch; on replay the receipts count its good events once).
 */
export function startAnalytics(o: TAnalyticsOptions): { worker: Worker; close(): Promise<void> } {
  const ttl = o.receiptTtlMs ?? 14 * DAY_MS;
  const worker = new Worker(
    QUEUES.interactions,
    async (job) => {
      const { events, rejected } = parseInteractionJob(job.name, job.data);
      const recorded: TRecorded[] = [];
      // One at a time: a failure retries the job, and the receipts skip what was already counted.
      for (const e of events)
        recorded.push(await recordInteraction(o.prisma, e, { priorityBy: o.priorityBy }));
      o.logger.debug({ jobId: job.id, events: events.length }, 'interactions recorded');
      if (rejected.length) {
        const reason = `invalid interaction event${rejected.length > 1 ? 's' : ''}: ${rejected
          .map((r) => `#${r.index} ${r.reason}`)
          .join('; ')}`;
        o.logger.warn({ jobId: job.id, reason, recorded: events.length }, 'interaction events rejected');
        throw new UnrecoverableError(reason);
      }
      return { recorded: recorded.length, reviewsOpened: recorded.filter((r) => r.reviewCreated).length };
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
