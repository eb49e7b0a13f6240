/** A dead letter's job as engineers know it: its name and queue, never BullMQ's counter ids. */
export type TJobLabel = { name: string; queue: string; jobId?: string };

/**
 * `“sync-order” (sync-10042) on acsa.jobs.v1`. A job id given by the producer (an order, a run's step) tells
 * two jobs of one name apart; BullMQ's own ids are bare counters that mean nothing to a reader, so not those.
 */
export const jobLabel = (j: TJobLabel) =>
  `“${j.name}”${j.jobId && !/^\d+$/.test(j.jobId) ? ` (${j.jobId})` : ''} on ${j.queue}`;

/**
 * Why a replay did not happen, in words. The server says "no dead letter "ID"" when the letter went between
 * the page's render and the press (someone replayed or removed it): the id means nothing to the reader.
 */
export function whyNotReplayed(message: string): string {
  if (/^no dead letter/.test(message)) return 'it is no longer a dead letter (replayed or removed meanwhile)';
  return message;
}

export const howReplayed = (how: 'retried' | 're-added') =>
  how === 'retried' ? 'retried in place' : 'added again as a new job';
