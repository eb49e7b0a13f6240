import { maskPii } from '@acsa/core/pii';
import type { Job, Queue, Worker } from 'bullmq';
import { type TDeadLetter, ZDeadLetter } from './dead-letter.ts';

/** Whether this failure was the job's last: BullMQ leaves it in `failed` only when no retry is left. */
export async function isFinalFailure(job: Job): Promise<boolean> {
  return (await job.getState()) === 'failed';
}

/**
 * The dead letter for a job's final failure. Its id is derived from the failure, so it is written once.
 * It keeps the payload as it is, since a replay runs it again (payloads carry ids, not what customers
 * wrote), and the error's text masked: nobody replays an error.
 */
export async function sendToDeadLetters(deadLetters: Queue, job: Job, error: Error): Promise<TDeadLetter> {
  const letter = ZDeadLetter.parse({
    v: 1,
    queue: job.queueName,
    jobId: String(job.id),
    name: job.name,
    data: job.data,
    error: maskPii(error.message || String(error)),
    stack: error.stack ? maskPii(error.stack) : null,
    attemptsMade: job.attemptsMade,
    failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
  });
  await deadLetters.add('dead-letter', letter, {
    jobId: `${job.queueName}-${job.id}-${job.finishedOn ?? Date.now()}`,
    removeOnComplete: true,
  });
  return letter;
}

/**
 * Sends every job of `worker` that fails for the last time to the dead-letter queue, with its error and
 * payload. Nothing consumes that queue: letters wait there until someone replays or drops them.
 */
export function attachDeadLetters(
  worker: Worker,
  deadLetters: Queue,
  onError: (e: Error) => void = () => {},
): void {
  worker.on('failed', (job, error) => {
    if (!job) return;
    void isFinalFailure(job)
      .then((final) => (final ? sendToDeadLetters(deadLetters, job, error) : undefined))
      .catch(onError);
  });
}
