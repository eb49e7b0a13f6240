import pg from 'pg';

// The schema's timestamps are `timestamp(3)` without zone, holding UTC (as Prisma writes them). pg would
// read and write them in the process's local zone; pin both directions to UTC whatever TZ says.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (s) => new Date(`${s.replace(' ', 'T')}Z`));
pg.defaults.parseInputDatesAsUTC = true;

/**
 * How long serving waits on PostgreSQL. A server that stops answering without closing its connections (a
 * failover whose old address drops packets, a partition) would otherwise hold every turn for the kernel's
 * TCP timeouts, minutes, instead of the breaker refusing it in milliseconds (db/pg-breaker.ts): pg waits
 * forever by default for a connection and for an answer.
 * - `connectMs`: a new connection, and a statement's wait for a free one of the pool;
 * - `statementMs`: PostgreSQL cancels a statement running longer (SQLSTATE 57014), so a slow one stops
 *   costing the server too;
 * - `answerMs`: the client gives up on a statement's answer (pg's query_timeout); longer than `statementMs`,
 *   so a server that answers says why itself. Through `pool.query` the connection is then dropped; a client
 *   checked out of the pool (the outbox relay) must be released with the error, or it is pooled again with
 *   its transaction's ROLLBACK never sent.
 * A turn's statements take milliseconds, a batch of 64 turns about 10 ms; the registry's read a model's bytes.
 */
export const PG_LIMITS = {
  turn: { connectMs: 2_000, statementMs: 2_500, answerMs: 3_000 },
  registry: { connectMs: 5_000, statementMs: 30_000, answerMs: 35_000 },
} as const;
export type TPgLimits = { connectMs: number; statementMs: number; answerMs: number };

/**
 * A pool of `max` connections. When the server closes an idle connection (a restart, a failover, a
 * database dropped), pg drops it from the pool and emits 'error' on the pool: with no listener Node
 * treats that as an uncaught exception and ends the process, so there always is one (`onIdleError`,
 * silent by default). `pool.end()` resolves before its sockets have closed, so even an ended pool can
 * emit it when its database is dropped right after (as tests do).
 */
export function createPool(
  url: string,
  max: number,
  onIdleError: (e: Error) => void = () => {},
  limits: TPgLimits = PG_LIMITS.turn,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: 'acsa-serving',
    // A turn's statements take milliseconds; one waiting on a row lock someone holds (a long console
    // transaction, a migration) fails after this instead of holding the turn writer, which sends one
    // statement at a time, and every turn queued behind it.
    lock_timeout: 2_000,
    // A transaction left idle (its client gone silent mid-way, e.g. the outbox relay's) is ended by the
    // server, its row locks with it; serving's transactions are idle for at most one Redis send (2 s).
    idle_in_transaction_session_timeout: 10_000,
    connectionTimeoutMillis: limits.connectMs,
    statement_timeout: limits.statementMs,
    query_timeout: limits.answerMs,
    // TCP keepalive from 30 s idle (the kernel's probe interval and count then apply): connections through
    // NAT and conntrack stay open, and one to a server that vanished is found out eventually.
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
  });
  pool.on('error', onIdleError);
  return pool;
}
