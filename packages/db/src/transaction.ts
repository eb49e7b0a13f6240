import type { PrismaClient } from '../../../prisma/generated/client.ts';
import { isRetryableError } from './errors.ts';

export type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export type WithTransactionOptions = {
  /** Serializable by default: callers read-then-write (stock, alias moves) and must not lose updates. */
  isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
  /** Attempts in all, including the first. */
  attempts?: number;
  timeoutMs?: number;
};

/**
 * Runs `work` in one transaction and runs it again (with jittered backoff) when PostgreSQL aborts it
 * for a conflict or deadlock, which Serializable isolation does by design under contention. `work` must
 * therefore have no side effects outside the transaction.
 */
export async function withTransaction<T>(
  prisma: PrismaClient,
  work: (tx: TransactionClient) => Promise<T>,
  options: WithTransactionOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(work, {
        isolationLevel: options.isolationLevel ?? 'Serializable',
        timeout: options.timeoutMs ?? 10_000,
      });
    } catch (e) {
      if (attempt >= attempts || !isRetryableError(e)) throw e;
      await new Promise((r) => setTimeout(r, 2 ** attempt * 10 * (0.5 + Math.random())));
    }
  }
}
