import { AppError } from '@acsa/core/errors';
import type { TReplayResult } from './dead-letter-ops.ts';

/**
 * A letter was replayed (its job is queued again; that cannot be taken back) but no audit entry could be
 * stored for it, even on a second try. Carries the result, so a batch reports the letter replayed.
 */
export class ReplayedUnrecordedError extends AppError {
  readonly result: TReplayResult;

  constructor(id: string, result: TReplayResult, cause: unknown) {
    super(
      'INTERNAL',
      `dead letter ${id} was replayed (job ${result.jobId} on ${result.queue}) but the audit log could not record it: tell an admin`,
      { cause },
    );
    this.name = 'ReplayedUnrecordedError';
    this.result = result;
  }
}
