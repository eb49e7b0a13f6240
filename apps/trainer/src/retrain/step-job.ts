import { ZRetrainStepJob } from '@acsa/pipelines';
import { UnrecoverableError } from 'bullmq';

/** Parses a step job's payload; a malformed one can never succeed, so it fails without retries. */
export function stepJobOf(job: { data: unknown }) {
  const parsed = ZRetrainStepJob.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`invalid step payload: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
