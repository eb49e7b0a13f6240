import { forPeople, NoAnswerError, withTimeout } from '@acsa/core/deadline';
import { type ConnectionOptions, FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ownConnection, redisAddress } from '../own-redis.ts';
import { QUEUES } from '../queues.ts';

/** How long each of the retrain client's Redis operations waits for an answer (a click waits this long). */
export const RETRAIN_REDIS_TIMEOUT_MS = 10_000;

/**
 * Redis gave no answer in time. The operation may still land (a command Redis received is applied) when the
 * connection had been ready: BullMQ sends nothing on one that never was.
 */
export class RetrainNoAnswerError extends NoAnswerError {
  constructor(
    /** Where Redis was asked (host:port, never the password). */
    readonly where: string,
    /** The deadline, for people ("10 s"). */
    readonly within: string,
    /** False when the connection never became ready: nothing of the operation was sent. */
    readonly mayHaveLanded: boolean,
  ) {
    super(`Redis at ${where} did not answer within ${within}`);
  }
}

/**
 * The connection, ready when the operation began, closed before its answer came (Redis restarted, a proxy
 * cut it): what was sent may have been applied. ioredis says only "Connection is closed." or, with
 * `maxRetriesPerRequest`, "Reached the max retries per request limit", which named neither Redis nor what
 * happened.
 */
export class RetrainConnectionClosedError extends Error {
  constructor(
    /** Where Redis was asked (host:port, never the password). */
    readonly where: string,
    cause: unknown,
  ) {
    super(`the connection to Redis at ${where} closed before it answered`, { cause });
  }
}

export type TRetrainConnection = {
  redis: Redis;
  flows: FlowProducer;
  /** The light steps' queue, which holds each flow's root (its promote step). */
  root: Queue;
  /** The CPU-heavy steps' queue (train, evaluate). */
  cpu: Queue;
  deadLetters: Queue;
};

export type TRetrainLink = {
  /** `op` within the deadline, or a RetrainNoAnswerError once it passed (the connection is then dropped). */
  run<T>(op: (c: TRetrainConnection) => Promise<T>): Promise<T>;
  /** Drops the connection without waiting for Redis. */
  close(): Promise<void>;
};

type TOpen = TRetrainConnection & { dropped: boolean; everReady: boolean };

/**
 * The retrain client's way to Redis: one connection of its own, shared by its flow producer and its queues
 * (BullMQ never closes a shared connection, so closing them sends nothing), every operation bounded by a
 * deadline instead of an ioredis command timeout, which would fail a flow's MULTI that Redis may still
 * apply. A silent socket (a failover whose old address drops packets) never recovers by itself: once a
 * deadline passes the connection is dropped, its unanswered commands rejected rather than resent later,
 * and the next operation opens a new one, so the first after Redis answers again works. An ioredis
 * reconnect instead (`disconnect(true)`) would start at once into the same silence and resend them; the
 * flow producer and queue are made anew with the connection, as BullMQ waits for a connection's
 * readiness once and would fail for good on one that ended while it waited.
 */
export function retrainLink(o: {
  connection: ConnectionOptions;
  prefix: string;
  timeoutMs?: number;
}): TRetrainLink {
  const timeoutMs = o.timeoutMs ?? RETRAIN_REDIS_TIMEOUT_MS;
  let current: TOpen | null = null;
  let closed = false;

  const open = (): TOpen => {
    const redis = ownConnection(o.connection);
    // Failures reach the operations that meet them; the events would only be printed.
    redis.on('error', () => undefined);
    const flows = new FlowProducer({ connection: redis, prefix: o.prefix });
    const [root, cpu, deadLetters] = [QUEUES.retrain, QUEUES.retrainCpu, QUEUES.deadLetters].map((name) => {
      const queue = new Queue(name, { connection: redis, prefix: o.prefix });
      queue.on('error', () => undefined);
      return queue;
    }) as [Queue, Queue, Queue];
    const c: TOpen = { redis, flows, root, cpu, deadLetters, dropped: false, everReady: false };
    redis.once('ready', () => {
      c.everReady = true;
    });
    return c;
  };

  const drop = async (c: TOpen) => {
    c.dropped = true;
    if (current === c) current = null;
    // Started first: their close awaits nothing Redis must answer (an initialising connection is left
    // alone; a ready one was answered already), and the disconnect ends any wait for readiness.
    const closing = Promise.allSettled([c.flows, c.root, c.cpu, c.deadLetters].map((x) => x.close()));
    c.redis.disconnect();
    await closing;
  };

  return {
    async run(op) {
      if (closed) throw new Error('the retrain client is closed');
      current ??= open();
      const c = current;
      try {
        return await withTimeout(op(c), timeoutMs, 'the job queue');
      } catch (e) {
        // Cut short by another operation's deadline on the same connection: as unanswered as that one.
        if (!(e instanceof NoAnswerError) && !c.dropped) {
          if (!c.everReady || c.redis.status === 'ready') throw e;
          void drop(c);
          throw new RetrainConnectionClosedError(redisAddress(c.redis), e);
        }
        const error = new RetrainNoAnswerError(redisAddress(c.redis), forPeople(timeoutMs), c.everReady);
        void drop(c);
        throw error;
      }
    },
    async close() {
      closed = true;
      if (current) await drop(current);
    },
  };
}
