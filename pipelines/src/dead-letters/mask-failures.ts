import { maskPii } from '@acsa/core/pii';
import type { Processor } from 'bullmq';

/** Masks the error's message and stack in place, so it stays the same object of the same class. */
export function maskErrorText<E>(error: E): E {
  if (!(error instanceof Error)) return error;
  error.message = maskPii(error.message);
  if (error.stack) error.stack = maskPii(error.stack);
  return error;
}

/**
 * `processor`, with what it throws masked (maskPii) before BullMQ keeps it as the job's failedReason and
 * stacktrace, and before a dead letter copies it: an error about a customer's turn can quote what the
 * customer wrote (a database error naming a value, a validation message). The error is the same object,
 * so an UnrecoverableError still stops the retries.
 */
export function maskingFailures<T, R, N extends string>(processor: Processor<T, R, N>): Processor<T, R, N> {
  return async (job, token, signal) => {
    try {
      return await processor(job, token, signal);
    } catch (e) {
      throw maskErrorText(e);
    }
  };
}
