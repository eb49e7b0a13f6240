import type { FlowJob } from 'bullmq';
import { ZRetrainStepJob } from './jobs.ts';
import { DEFAULT_STEP_BACKOFF_MS, RETRAIN_STEPS, STEP_POLICY, stepJobId } from './steps.ts';

export type TFlowOptions = {
  /** First retry delay (doubles each attempt); tests shorten it. */
  backoffMs?: number;
};

const DAY_S = 24 * 3600;

/**
 * A run as one BullMQ flow: a chain in which each step is the parent of the step before it, so BullMQ
 * starts a step only once the previous one has completed and hands it that step's return value. Job ids
 * are derived from the run id: enqueueing the same run again is a no-op rather than a second run.
 */
export function retrainFlow(runId: string, options: TFlowOptions = {}): FlowJob {
  let child: FlowJob | undefined;
  for (const step of RETRAIN_STEPS) {
    const policy = STEP_POLICY[step];
    const job: FlowJob = {
      name: step,
      queueName: policy.queue,
      data: ZRetrainStepJob.parse({ v: 1, runId, step }),
      opts: {
        jobId: stepJobId(runId, step),
        attempts: policy.attempts,
        backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_STEP_BACKOFF_MS },
        // Completed steps are kept a week for inspection. Failed ones are kept, so a dead letter can be
        // replayed in place (and the flow resume) however long after: a failed step removed would also
        // release the step after it, which BullMQ holds only while its child is there, and the failed run
        // would wake with its next step and no input. A failed run's jobs are a few kilobytes.
        removeOnComplete: { age: 7 * DAY_S },
        removeOnFail: false,
      },
      ...(child ? { children: [child] } : {}),
    };
    child = job;
  }
  return child!;
}
