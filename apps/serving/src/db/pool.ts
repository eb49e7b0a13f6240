import pg from 'pg';

// The schema's timestamps are `timestamp(3)` without zone, holding UTC (as Prisma writes them). pg would
// read and write them in the process's local zone; pin both directions to UTC whatever TZ says.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (s) => new Date(`${s.replace(' ', 'T')}Z`));
pg.defaults.parseInputDatesAsUTC = true;

/**
 * A pool of `max` connections. When the server closes an idle connection (a restart, a failover, a
 * database dropped), pg drops it from the pool and emits 'error' on the pool: with no listener Node
 * treats that as an uncaught exception and ends the process, so there always is one (`onIdleError`,
 * silent by default). `pool.end()` resolves before its sockets have closed, so even an ended pool can
 * emit it when its database is dropped right after (as tests do).
 */
export function createPool(url: string, max: number, onIdleError: (e: Error) => void = () => {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: 'acsa-serving',
    // A turn's statements take milliseconds; one waiting on a row lock someone holds (a long console
    // transaction, a migration) fails after this instead of holding the turn writer, which sends one
    // statement at a time, and every turn queued behind it.
    lock_timeout: 2_000,
  });
  pool.on('error', onIdleError);
  return pool;
}
