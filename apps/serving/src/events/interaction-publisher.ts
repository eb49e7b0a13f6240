import { NoAnswerError, withTimeout } from '@acsa/core/deadline';
import type { Logger } from '@acsa/core/logger';
import {
  INTERACTION_JOBS,
  MAX_INTERACTION_BATCH,
  QUEUES,
  type TInteractionBatch,
  type TInteractionEvent,
  upgradeInteractionEvent,
  ZInteractionEvent,
} from '@acsa/pipelines';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { countPoolFailure, poolAdmits, poolMark } from '../db/pg-breaker.ts';

/** Events wait this long for company: analytics is not in a hurry, and fewer, fuller jobs cost less. */
const FLUSH_MS = 50;
const RELAY_MS = 2_000;
/**
 * How long a send to the event queue may take. Its connection waits out reconnects (BullMQ needs that), so
 * a Redis gone silent without closing held a send forever: every later flush queued behind it and the
 * events piled up in memory instead of in the outbox, and shutdown never ended.
 */
const SEND_TIMEOUT_MS = 2_000;

// Kept jobs are for looking at, and a job holds up to MAX_INTERACTION_BATCH events (~0.3 MB): counts
// sized so that what Redis keeps stays in the tens of megabytes.
const JOB_OPTIONS = {
  removeOnComplete: 100,
  removeOnFail: 500,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
};

/** One `turns` job per MAX_INTERACTION_BATCH events. */
function batchJobs(events: TInteractionEvent[]) {
  const jobs = [];
  for (let i = 0; i < events.length; i += MAX_INTERACTION_BATCH) {
    const data: TInteractionBatch = { events: events.slice(i, i + MAX_INTERACTION_BATCH) };
    jobs.push({ name: INTERACTION_JOBS.batch, data, opts: JOB_OPTIONS });
  }
  return jobs;
}

/**
 * Publishes one interaction event per turn on the BullMQ interactions queue, after the turn is stored.
 * Events are buffered for a few milliseconds and sent as one job per flush (a job per turn cost more
 * serving CPU than the rest of the turn's Redis work). When Redis is down they go to the EventOutbox table
 * instead, and a relay sends them once Redis is back: kept, never lost, and the chat never waits for Redis.
 * An event sent twice (a relay that crashed between sending and deleting) is counted once by the consumer,
 * which keeps a receipt per message.
 */
export class InteractionPublisher {
  private buffer: TInteractionEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly relayTimer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly queue: Queue | null;
  published = 0;
  spilled = 0;

  constructor(
    private readonly options: { connection: Redis | null; pool: pg.Pool; logger: Logger; prefix?: string },
  ) {
    this.queue = options.connection
      ? new Queue(QUEUES.interactions, { connection: options.connection, prefix: options.prefix ?? 'bull' })
      : null;
    // Connection errors surface as 'error' events; the outbox covers them, so they are not worth a stack trace.
    this.queue?.on('error', (e) => options.logger.debug({ err: e.message }, 'interaction queue error'));
    this.relayTimer = setInterval(() => void this.relay(), RELAY_MS);
    this.relayTimer.unref();
  }

  publish(event: TInteractionEvent): void {
    this.buffer.push(ZInteractionEvent.parse(event));
    if (this.buffer.length >= MAX_INTERACTION_BATCH) this.schedule(0);
    else this.schedule(FLUSH_MS);
  }

  private schedule(ms: number) {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }, ms);
  }

  private redisReady(): boolean {
    return this.queue !== null && this.options.connection?.status === 'ready';
  }

  private async flush(): Promise<void> {
    const events = this.buffer;
    this.buffer = [];
    if (!events.length) return;
    if (this.redisReady()) {
      try {
        await this.send(events, 'sending events');
        this.published += events.length;
        return;
      } catch (e) {
        this.options.logger.warn(
          { err: (e as Error).message, events: events.length },
          'event queue unavailable; keeping events in the outbox',
        );
      }
    }
    await this.spill(events);
  }

  private async spill(events: TInteractionEvent[]): Promise<void> {
    try {
      await this.options.pool.query(
        `INSERT INTO "EventOutbox" (queue, payload) SELECT $1, e FROM jsonb_array_elements($2::jsonb) AS e`,
        [QUEUES.interactions, JSON.stringify(events)],
      );
      this.spilled += events.length;
    } catch (e) {
      // Both stores down: keep them in memory and try again with the next flush.
      this.options.logger.error(
        { err: (e as Error).message, events: events.length },
        'cannot store events; retrying',
      );
      this.buffer.unshift(...events);
      this.schedule(1_000);
    }
  }

  /** Sends what the outbox holds; SKIP LOCKED lets every replica relay without sending a row twice. */
  async relay(): Promise<number> {
    if (!this.redisReady()) return 0;
    // Its client bypasses the pool's breaker: asked first, and told of its failures, so while PostgreSQL is
    // away the relay holds none of the turns' connections and waits for the next tick.
    const { pool } = this.options;
    if (!poolAdmits(pool)) return 0;
    // A failure of this tick's work told after the breaker moved (a read timeout ending after the probe found
    // PostgreSQL back) says nothing of PostgreSQL now: not counted.
    const mark = poolMark(pool);
    const client = await pool
      .connect()
      .catch((e: unknown) => countPoolFailure(pool, e, mark).then(() => null));
    if (!client) return 0;
    // A checked-out client has no pool listener: a connection cut between its statements (PostgreSQL
    // stopped, failed over) emitted 'error' with no one listening and ended the serving process (found by
    // bench/faults). Listened to here, and the broken client is destroyed on release, not pooled again.
    let broken: Error | undefined;
    const onError = (e: Error) => {
      broken = e;
    };
    client.on('error', onError);
    let sent = 0;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string; payload: unknown }>(
        `SELECT id, payload FROM "EventOutbox" WHERE queue = $1 ORDER BY id LIMIT ${MAX_INTERACTION_BATCH} FOR UPDATE SKIP LOCKED`,
        [QUEUES.interactions],
      );
      if (rows.length) {
        // Rows spilled by a replica of before version 2 still hold the customer's text: it stays here.
        const events = rows.map((r) => upgradeInteractionEvent(r.payload) as TInteractionEvent);
        await this.send(events, 'relaying the outbox');
        await client.query(`DELETE FROM "EventOutbox" WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
        sent = rows.length;
      }
      await client.query('COMMIT');
    } catch (e) {
      // Counted first: on a silent server the ROLLBACK waits out the answer limit too.
      await countPoolFailure(pool, e, mark);
      await client.query('ROLLBACK').catch(() => undefined);
      this.options.logger.warn({ err: (e as Error).message }, 'outbox relay failed; will retry');
      // Never pooled again after a failure: a statement that got no answer in time (pg's query_timeout)
      // leaves its connection open and its ROLLBACK unsent, and late answers would leave a transaction
      // open on it for the next user of the pool (a turn's INSERT inside it, lost at the next disconnect).
      broken ??= e as Error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
    this.published += sent;
    return sent;
  }

  /**
   * Adds the events' jobs within SEND_TIMEOUT_MS (the jobs may still land later: analytics records an event
   * once). A send that got no answer drops the connection, so the next flushes see Redis away and go to the
   * outbox at once (ioredis reconnects, and the relay sends the outbox once Redis answers).
   */
  private async send(events: TInteractionEvent[], what: string): Promise<void> {
    try {
      if (!this.queue) return;
      await withTimeout(this.queue.addBulk(batchJobs(events)), SEND_TIMEOUT_MS, what);
    } catch (e) {
      if (e instanceof NoAnswerError && this.options.connection?.status === 'ready') {
        this.options.logger.warn(
          'the event queue did not answer: reconnecting, events go to the outbox meanwhile',
        );
        this.options.connection.disconnect(true);
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.relayTimer);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing;
    await this.flush();
    await withTimeout(
      this.queue?.close() ?? Promise.resolve(),
      SEND_TIMEOUT_MS,
      'closing the event queue',
    ).catch(() => undefined);
  }
}
