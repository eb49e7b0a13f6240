import pg from 'pg';
// For its UTC timestamp parsing, which the replica's rows need as much as the primary's.
import '../db/pool.ts';
import { createDb, type TDb } from '../db/sql.ts';

export type TReadRouterOptions = {
  primary: pg.Pool;
  /** null: every read goes to the primary. */
  replica: pg.Pool | null;
  /** After a replica failure, reads skip it this long, so an outage costs one failed try, not one per turn. */
  cooldownMs?: number;
};

export type TReadCounters = { replicaReads: number; primaryReads: number; replicaErrors: number };

/**
 * Where knowledge reads go: the replica while it answers, else the primary. A read that fails on the
 * replica (gone, restarting, cancelled by a recovery conflict) is retried on the primary at once, so a
 * shopper never sees the replica's trouble; only its latency.
 */
export function createReadRouter(options: TReadRouterOptions) {
  const primary = createDb(options.primary);
  const replica = options.replica ? createDb(options.replica) : null;
  const cooldownMs = options.cooldownMs ?? 5_000;
  const counters: TReadCounters = { replicaReads: 0, primaryReads: 0, replicaErrors: 0 };
  let skipUntil = 0;

  const fromPrimary: TDb['query'] = (q) => {
    counters.primaryReads++;
    return primary.query(q);
  };

  const read: TDb = {
    pool: options.replica ?? options.primary,
    async query(q) {
      if (!replica || Date.now() < skipUntil) return fromPrimary(q);
      try {
        const rows = await replica.query(q);
        counters.replicaReads++;
        return rows as never;
      } catch {
        counters.replicaErrors++;
        skipUntil = Date.now() + cooldownMs;
        return fromPrimary(q);
      }
    },
  };

  return { read, primary, counters };
}

/**
 * The replica's pool. It fails fast (a replica that does not answer must cost a turn a second at most,
 * once per cooldown) and sizes like the primary's: connections per replica = pods × SERVING_WORKERS × max
 * (deploy/k8s puts PgBouncer in front when that passes the replica's max_connections).
 */
export function createReplicaPool(url: string, max: number, onIdleError: (e: Error) => void = () => {}) {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: 'acsa-serving-replica',
    connectionTimeoutMillis: 1_000,
    query_timeout: 2_000,
  });
  pool.on('error', onIdleError);
  return pool;
}
