import type { Logger } from '@acsa/core/logger';
import { contextFrom, recordSpan, SpanKind, tracingEnabled, withSpan } from '@acsa/core/tracing';
import type { PrismaClient } from '@acsa/db';
import { parseInteractionJob, QUEUES, upgradeInteractionJob, WORKER_METRICS } from '@acsa/pipelines';
import { maskingFailures } from '@acsa/pipelines/dead-letters';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { startReconciler, type TReconcileOptions } from './reconcile.ts';
import { pruneReceipts, recordInteractions } from './record-interaction.ts';

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
  /** How long a counted event's receipt is kept to catch redeliveries. */
  receiptTtlMs?: number;
  /**
   * Records stored turns whose event was lost on the way (Redis restarted empty, a serving worker killed
   * with events in its buffer); see startReconciler. On by default; false turns it off.
   */
  reconcile?: TReconcileOptions | false;
};

/**
 * A batch job's payload cut down to its rejected events. Valid events exist only where the job parsed as a
 * batch, so `events` is its array here; the reason's `#index` stays the event's place in the original batch.
 */
function onlyRejected(data: unknown, rejected: readonly { index: number }[]): { events: unknown[] } {
  const batch = data as { events: unknown[] };
  return { ...batch, events: rejected.map((r) => batch.events[r.index]) };
}

/**
 * Consumes serving's interaction events, a batch per job: counts each turn into per-version, per-variant
 * hourly stats (the turn's review item, if it needs one, was made when serving stored it). Every event is validated on its own and the valid ones are recorded even when others are
 * not; an invalid event can never succeed, so the job then fails at once, without retries, naming each one
 * (the failed job and its dead letter keep only the invalid events, so no replay counts a good one again).
 */
export function startAnalytics(o: TAnalyticsOptions): {
  worker: Worker;
  /** Stored turns recorded by the reconciler since the start: their events were lost on the way. */
  reconciled(): number;
  close(): Promise<void>;
} {
  const ttl = o.receiptTtlMs ?? 14 * DAY_MS;
  const worker = new Worker(
    QUEUES.interactions,
    maskingFailures(async (job) =>
      withSpan(
        'analytics.turns',
        async (jobSpan) => {
          // A job queued before events lost the customer's text is stored back without it, since BullMQ keeps
          // jobs once they are done or have failed.
          const upgraded = upgradeInteractionJob(job.name, job.data);
          if (upgraded) await job.updateData(upgraded);
          const { events, rejected } = parseInteractionJob(job.name, job.data);
          jobSpan?.setAttribute('acsa.events', events.length);
          // The whole batch in one statement; a failure retries the job, and the receipts skip what was
          // already counted.
          const started = performance.now();
          const recorded = await recordInteractions(o.prisma, events);
          // Each event's recording continues the trace of the turn that sent it (its traceparent), so a turn's
          // trace runs on into analytics; an untraced event's is a child of the job's span.
          const ended = performance.now();
          // Tracing off (the default), no per-event span options are built.
          if (tracingEnabled())
            for (const e of events)
              recordSpan('analytics.record', started, ended, {
                attributes: { 'messaging.message.id': String(job.id), 'acsa.message_id': e.messageId },
                ...(e.traceparent ? { parent: contextFrom(e.traceparent) } : {}),
              });
          o.logger.debug({ jobId: job.id, events: events.length }, 'interactions recorded');
          if (rejected.length) {
            const reason = `invalid interaction event${rejected.length > 1 ? 's' : ''}: ${rejected
              .map((r) => `#${r.index} ${r.reason}`)
              .join('; ')}`;
            o.logger.warn({ jobId: job.id, reason, recorded: events.length }, 'interaction events rejected');
            // The failed job, its dead letter and any replay keep only what was refused: receipts are pruned
            // after `receiptTtlMs` while letters stay, so a replay of the whole batch would count its good
            // events again. Stored before the throw; if this write fails the job retries, and the receipts
            // (minutes old) keep the good events counted once.
            if (events.length) await job.updateData(onlyRejected(job.data, rejected));
            throw new UnrecoverableError(
              events.length
                ? `${reason} (the ${events.length} valid event${events.length > 1 ? 's were' : ' was'} recorded; this job keeps only the invalid)`
                : reason,
            );
          }
          return { recorded: recorded.counted };
        },
        {
          kind: SpanKind.CONSUMER,
          attributes: { 'messaging.system': 'bullmq', 'messaging.message.id': String(job.id) },
        },
      ),
    ),
    { connection: o.connection, prefix: o.prefix, concurrency: o.concurrency ?? 16, ...WORKER_METRICS },
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
  const reconciler =
    o.reconcile === false ? null : startReconciler({ prisma: o.prisma, logger: o.logger, ...o.reconcile });
  return {
    worker,
    reconciled: () => reconciler?.total() ?? 0,
    async close() {
      clearInterval(timer);
      await reconciler?.close();
      await worker.close();
    },
  };
}
