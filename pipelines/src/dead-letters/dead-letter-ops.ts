import { maskPiiDeep } from '@acsa/core/pii';
import { type ConnectionOptions, Job, Queue } from 'bullmq';
import { QUEUES } from '../queues.ts';
import { type TDeadLetter, ZDeadLetter } from './dead-letter.ts';
import { readQueues } from './queue-reads.ts';

export type TQueueDeps = { connection: ConnectionOptions; prefix: string };
export type TDeadLetterItem = TDeadLetter & { id: string };

async function withQueue<T>(deps: TQueueDeps, name: string, work: (q: Queue) => Promise<T>): Promise<T> {
  const queue = new Queue(name, { connection: deps.connection, prefix: deps.prefix });
  try {
    return await work(queue);
  } finally {
    await queue.close();
  }
}

/**
 * Whether a person searching `q` means this letter: its own id exactly (BullMQ's are short counters, so a
 * substring would match most), or part of its job's id or of the retraining run's id it belonged to.
 */
function matches(q: string, id: string, letter: TDeadLetter): boolean {
  const data = letter.data as { runId?: unknown } | null;
  const runId = typeof data?.runId === 'string' ? [data.runId] : [];
  return id.toLowerCase() === q || [letter.jobId, ...runId].some((s) => s.toLowerCase().includes(q));
}

/**
 * Dead letters, newest first, for people to read (the console, `acsa dlq list`): emails, phones and card
 * numbers in payload and error are masked. A replay reads the letter itself, never this listing.
 * `q` keeps the letters it names (see `matches`); it searches every letter, not only the first `limit`, so
 * an old letter can still be found.
 */
export function listDeadLetters(
  deps: TQueueDeps,
  options: { limit?: number; q?: string } = {},
): Promise<TDeadLetterItem[]> {
  const limit = options.limit ?? 100;
  const q = options.q?.trim().toLowerCase() ?? '';
  return readQueues(deps, [QUEUES.deadLetters], async ([queue]) => {
    const jobs = await (queue as Queue).getJobs(['waiting', 'delayed', 'prioritized'], 0, q ? -1 : limit - 1);
    return jobs
      .filter((j): j is Job => Boolean(j))
      .map((j) => ({ id: String(j.id), letter: ZDeadLetter.parse(j.data) }))
      .filter(({ id, letter }) => !q || matches(q, id, letter))
      .sort((a, b) => b.letter.failedAt.localeCompare(a.letter.failedAt))
      .slice(0, limit)
      .map(({ id, letter }) => ({ id, ...maskPiiDeep(letter) }));
  });
}

export type TReplayResult = {
  /** `retried`: the original job went back to its queue with fresh attempts (a flow step resumes its flow);
   *  `re-added`: the original was gone, so its payload was added again as a new job. */
  how: 'retried' | 're-added';
  queue: string;
  jobId: string;
  /** Set when the job was replayed but its letter could not be removed: replaying the letter again would
   *  run the job a second time. */
  note?: string;
};

export type TReplayOptions = {
  /**
   * Called once the letter and its job are read, right before the replay changes anything, with what it
   * is about to do (`jobId`: the failed job's; a re-added job gets a new one). A caller that must record the
   * replay (the console's audit entry) writes the record here: a record that cannot be written stops it.
   */
  beforeReplay?: (plan: TReplayResult) => Promise<void>;
};

/** Runs a dead letter's job again and removes the letter. */
export async function replayDeadLetter(
  deps: TQueueDeps,
  id: string,
  options: TReplayOptions = {},
): Promise<TReplayResult> {
  return withQueue(deps, QUEUES.deadLetters, async (dlq) => {
    const letterJob = await Job.fromId(dlq, id);
    if (!letterJob) throw new Error(`no dead letter "${id}"`);
    const letter = ZDeadLetter.parse(letterJob.data);
    const result = await withQueue(deps, letter.queue, async (q): Promise<TReplayResult> => {
      const original = await Job.fromId(q, letter.jobId);
      if (original) {
        const state = await original.getState();
        if (state !== 'failed')
          throw new Error(
            `job ${letter.jobId} on ${letter.queue} is ${state}, not failed; nothing to replay`,
          );
        const retried = { how: 'retried' as const, queue: letter.queue, jobId: letter.jobId };
        await options.beforeReplay?.(retried);
        await original.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return retried;
      }
      await options.beforeReplay?.({ how: 're-added', queue: letter.queue, jobId: letter.jobId });
      const again = await q.add(letter.name, letter.data, {
        attempts: 3,
        backoff: { type: 'exponential', delay: 5_000 },
      });
      return { how: 're-added', queue: letter.queue, jobId: String(again.id) };
    });
    // The job is queued again by now and that cannot be undone: a letter that cannot be removed (locked,
    // connection lost) must still report the replay, or the caller records nothing for a job that runs.
    try {
      await letterJob.remove();
      return result;
    } catch (e) {
      const why = (e as Error).message;
      return {
        ...result,
        note: `replayed, but the letter could not be removed (${why}): do not replay it again`,
      };
    }
  });
}
