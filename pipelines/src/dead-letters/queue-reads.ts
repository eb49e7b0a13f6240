import { NoAnswerError, withTimeout } from '@acsa/core/deadline';
import { Queue } from 'bullmq';
import { ownConnection, redisAddress } from '../own-redis.ts';
import type { TQueueDeps } from './dead-letter-ops.ts';

/** How long a read of the queues for people (the console's page, `acsa dlq list`) waits for Redis. */
export const QUEUE_READ_TIMEOUT_MS = 3_000;

/**
 * Reads `names`' queues within `timeoutMs`, on one connection of its own that is dropped at the end without
 * waiting for Redis. BullMQ's own close sends QUIT and waits for its answer, and until a connection is ready
 * every command waits for it: against a Redis gone silent (a failover whose old address drops packets) the
 * console's queues page never answered, and each try left its connections open.
 */
export async function readQueues<T>(
  deps: TQueueDeps,
  names: readonly string[],
  work: (queues: Queue[]) => Promise<T>,
  timeoutMs = QUEUE_READ_TIMEOUT_MS,
): Promise<T> {
  const client = ownConnection(deps.connection);
  client.on('error', () => undefined);
  const queues = names.map((name) => new Queue(name, { connection: client, prefix: deps.prefix }));
  for (const q of queues) q.on('error', () => undefined);
  try {
    return await withTimeout(work(queues), timeoutMs, 'the queues').catch((e: unknown) => {
      if (!(e instanceof NoAnswerError)) throw e;
      // What a person reads: where it was asked (no password).
      throw new NoAnswerError(
        `Redis at ${redisAddress(client)} did not answer within ${(timeoutMs / 1000).toFixed(0)} s`,
      );
    });
  } finally {
    // The queues share the connection (BullMQ leaves a shared one open), so closing them sends nothing.
    client.disconnect();
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  }
}
