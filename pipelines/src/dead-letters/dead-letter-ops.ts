import { forPeople, NoAnswerError, withTimeout } from '@acsa/core/deadline';
import { maskPiiDeep } from '@acsa/core/pii';
import { type ConnectionOptions, Job, Queue } from 'bullmq';
import { ownConnection, redisAddress } from '../own-redis.ts';
import { QUEUES } from '../queues.ts';
import { type TDeadLetter, ZDeadLetter } from './dead-letter.ts';
import { readQueues } from './queue-reads.ts';

export type TQueueDeps = { connection: ConnectionOptions; prefix: string };
export type TDeadLetterItem = TDeadLetter & { id: string };

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
  /** The retraining run the job is a step of: replaying it resumes that run. */
  runId?: string;
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
  /** How long each call to Redis may wait; REPLAY_REDIS_TIMEOUT_MS unless given. */
  timeoutMs?: number;
};

/** How long each of a replay's calls to Redis waits for an answer (a press of Replay waits this long). */
export const REPLAY_REDIS_TIMEOUT_MS = 10_000;

/**
 * Redis gave no answer to a replay within its deadline. `sent` is the replay when the call that queues the
 * job again had been made: Redis may have applied it. Before that nothing was changed.
 */
export class ReplayNoAnswerError extends NoAnswerError {
  constructor(
    /** Where Redis was asked (host:port, never the password). */
    readonly where: string,
    readonly within: string,
    readonly sent: TReplayResult | null,
  ) {
    super(
      sent
        ? `Redis at ${where} did not answer within ${within} once the replay was sent: job ${sent.jobId} on ${sent.queue} may be queued again, and its dead letter is kept (replaying it again may run the job twice)`
        : `Redis at ${where} did not answer within ${within}: nothing was replayed; try again`,
    );
  }
}

/**
 * Runs a dead letter's job again and removes the letter, each call to Redis within `timeoutMs`, on a
 * connection of its own that is dropped without waiting for Redis (as `readQueues`). Against a Redis gone
 * silent, a press of Replay waited for ever.
 */
export async function replayDeadLetter(
  deps: TQueueDeps,
  id: string,
  options: TReplayOptions = {},
): Promise<TReplayResult> {
  const timeoutMs = options.timeoutMs ?? REPLAY_REDIS_TIMEOUT_MS;
  const client = ownConnection(deps.connection);
  client.on('error', () => undefined);
  const opened: Queue[] = [];
  const queue = (name: string) => {
    const q = new Queue(name, { connection: client, prefix: deps.prefix });
    q.on('error', () => undefined);
    opened.push(q);
    return q;
  };
  let sent: TReplayResult | null = null;
  const ask = <T>(call: Promise<T>): Promise<T> =>
    withTimeout(call, timeoutMs, 'the queues').catch((e: unknown) => {
      if (!(e instanceof NoAnswerError)) throw e;
      // Dropped at once: commands still waiting for the connection are never sent late.
      client.disconnect();
      throw new ReplayNoAnswerError(redisAddress(client), forPeople(timeoutMs), sent);
    });
  try {
    const letterJob = await ask(Job.fromId(queue(QUEUES.deadLetters), id));
    if (!letterJob) throw new Error(`no dead letter "${id}"`);
    const letter = ZDeadLetter.parse(letterJob.data);
    const q = queue(letter.queue);
    const runId = (letter.data as { runId?: unknown } | null)?.runId;
    const ofRun = typeof runId === 'string' ? { runId } : {};
    const original = await ask(Job.fromId(q, letter.jobId));
    let result: TReplayResult;
    if (original) {
      const state = await ask(original.getState());
      if (state !== 'failed')
        throw new Error(`job ${letter.jobId} on ${letter.queue} is ${state}, not failed; nothing to replay`);
      const retried = { how: 'retried' as const, queue: letter.queue, jobId: letter.jobId, ...ofRun };
      await options.beforeReplay?.(retried);
      sent = retried;
      await ask(original.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }));
      result = retried;
    } else {
      // A run's step runs within its run's flow, on the output of the step before it: added alone it would
      // run without that input, and its run would wake with nothing after it.
      if (ofRun.runId)
        throw new Error(
          `job ${letter.jobId} on ${letter.queue} is gone from the queue, and a step of run ${ofRun.runId} runs only within its run; nothing to replay: start a new run`,
        );
      const plan = { how: 're-added' as const, queue: letter.queue, jobId: letter.jobId, ...ofRun };
      await options.beforeReplay?.(plan);
      sent = plan;
      const again = await ask(
        q.add(letter.name, letter.data, { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } }),
      );
      result = { ...plan, jobId: String(again.id) };
    }
    // The job is queued again by now and that cannot be undone: a letter that cannot be removed (locked,
    // connection lost, no answer) must still report the replay, or the caller records nothing for a job
    // that runs.
    try {
      await ask(letterJob.remove());
      return result;
    } catch (e) {
      const why =
        e instanceof ReplayNoAnswerError
          ? `Redis at ${e.where} did not answer within ${e.within}`
          : (e as Error).message;
      return {
        ...result,
        note: `replayed, but the letter could not be removed (${why}): do not replay it again`,
      };
    }
  } finally {
    // The queues share the connection (BullMQ leaves a shared one open), so closing them sends nothing.
    client.disconnect();
    await Promise.all(opened.map((q) => q.close().catch(() => undefined)));
  }
}
