/**
 * Limits on the console's database: 5 s for a new connection (a page on a database that is down or silent
 * fails then, not when the kernel gives up), 10 s waiting for a lock (a migration or a long change holding a
 * table: the page says so and offers to try again, app/(console)/error.tsx) and 60 s for a statement, which
 * PostgreSQL cancels past it (the console's heaviest, an import's bulk insert or a week's percentiles, take a
 * few). A statement already sent on a connection that went silent (a failover whose old address drops
 * packets) is given up 5 s after PostgreSQL would have cancelled it, and its connection dropped, so the
 * console answers again on new connections instead of waiting for TCP (minutes).
 * Apart from db.ts (no 'server-only'): deploy/test/pgbouncer.test.ts connects as the console does.
 */
export const CONSOLE_DB_LIMITS = {
  connectTimeoutMs: 5_000,
  lockTimeoutMs: 10_000,
  statementTimeoutMs: 60_000,
  answerTimeoutMs: 65_000,
  // Sooner when the server can say so: a connection it no longer knows (the old server gone) is dropped
  // once a statement waited 10 s on it.
  checkSilentAfterMs: 10_000,
};
