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

type TDbError = {
  code?: unknown;
  cause?: unknown;
  meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } };
};

/** An error and the causes it wraps, as pg and Prisma nest them (five deep at most). */
function* causes(error: unknown): Generator<TDbError> {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++, e = (e as TDbError).cause)
    yield e as TDbError;
}

/**
 * Five characters of SQLSTATE, a digit among them. Prisma's own codes (P1000–P6999) and Node's five-letter ones
 * (EPIPE) look alike and are not.
 */
const SQLSTATE = /^(?!P[1-9])(?=.*\d)[0-9A-Z]{5}$/;

/**
 * Every SQLSTATE an error and its causes carry, outermost first and in each the most specific first: its
 * driver adapter's `originalCode` (a raw query, $queryRaw, fails as P2010 with PostgreSQL's code there),
 * Prisma's `meta.code`, pg's `code`.
 */
function* sqlStates(error: unknown): Generator<string> {
  for (const { code, meta } of causes(error))
    for (const s of [meta?.driverAdapterError?.cause?.originalCode, meta?.code, code])
      if (typeof s === 'string' && SQLSTATE.test(s)) yield s;
}

/**
 * PostgreSQL's SQLSTATE behind an error: pg's `code`, Prisma's `meta.code`, or, for a raw query ($queryRaw),
 * which fails as P2010, its driver adapter's `originalCode`; undefined when none says one.
 */
export function sqlStateOf(error: unknown): string | undefined {
  for (const state of sqlStates(error)) return state;
  return undefined;
}

/** Whether a database error is transient (conflict, deadlock, dropped connection) rather than a bug. */
export function isRetryableError(error: unknown): boolean {
  for (const { code } of causes(error))
    if (typeof code === 'string' && (RETRYABLE_PRISMA.has(code) || RETRYABLE_NODE.has(code))) return true;
  // Every SQLSTATE it carries, not only the first (sqlStateOf's): where the adapter's and Prisma's codes
  // differ, either one being transient makes the statement worth running again.
  for (const state of sqlStates(error)) if (RETRYABLE_SQLSTATE.has(state)) return true;
  return false;
}

/** Unique-constraint violation (Prisma P2002 or SQLSTATE 23505): the row already exists. */
export function isUniqueViolation(error: unknown): boolean {
  const { code } = error as { code?: unknown };
  return code === 'P2002' || code === '23505';
}
