/** SQLSTATEs worth retrying: the same statement can succeed if run again. */
const RETRYABLE_SQLSTATE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57P01', // admin_shutdown (server restart)
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
]);
/** Prisma's codes for the same situations (P2034: write conflict or deadlock; P1001/P1002: unreachable). */
const RETRYABLE_PRISMA = new Set(['P2034', 'P1001', 'P1002', 'P1017']);
const RETRYABLE_NODE = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']);

/** Whether a database error is transient (conflict, deadlock, dropped connection) rather than a bug. */
export function isRetryableError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const { code, cause, meta } = e as {
      code?: unknown;
      cause?: unknown;
      meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } };
    };
    if (
      typeof code === 'string' &&
      (RETRYABLE_SQLSTATE.has(code) || RETRYABLE_PRISMA.has(code) || RETRYABLE_NODE.has(code))
    )
      return true;
    if (typeof meta?.code === 'string' && RETRYABLE_SQLSTATE.has(meta.code)) return true;
    // A raw query ($queryRaw, e.g. SELECT … FOR UPDATE) fails as P2010 with PostgreSQL's code down here.
    const sqlState = meta?.driverAdapterError?.cause?.originalCode;
    if (typeof sqlState === 'string' && RETRYABLE_SQLSTATE.has(sqlState)) return true;
    e = cause;
  }
  return false;
}

/** Unique-constraint violation (Prisma P2002 or SQLSTATE 23505): the row already exists. */
export function isUniqueViolation(error: unknown): boolean {
  const { code } = error as { code?: unknown };
  return code === 'P2002' || code === '23505';
}
