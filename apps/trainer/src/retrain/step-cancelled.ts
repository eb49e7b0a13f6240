import { UnrecoverableError } from 'bullmq';

/**
 * A step stopped because its run was cancelled, or given up before it started. Unrecoverable, so BullMQ does not retry it; the tracker
 * closes the step as skipped, with no dead letter, and removes what is left of the run.
 */
export class StepCancelledError extends UnrecoverableError {
  constructor(message = 'the run was cancelled') {
    super(message);
    this.name = 'StepCancelledError';
  }
}

// A plain boolean, not a type guard: the class adds nothing to Error's shape, so a guard would narrow the
// other branch to never.
export const isStepCancelled = (e: unknown): boolean => e instanceof Error && e.name === 'StepCancelledError';
