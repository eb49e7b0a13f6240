import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../../prisma/generated/client.ts';

export type CreatePrismaOptions = {
  /** PostgreSQL connection URL. */
  url: string;
  /** Pool size; the driver's default (10) suits an app process, tests and scripts need fewer. */
  max?: number;
  /** Give up opening a connection after this long; by default (0) the OS decides, minutes on a silent host. */
  connectTimeoutMs?: number;
  /** PostgreSQL cancels a statement running longer (SQLSTATE 57014); none by default. */
  statementTimeoutMs?: number;
  /**
   * Give up waiting for a statement's answer after this long and drop its connection (clientClass);
   * none by default. For a server gone silent (a failover whose old address drops packets), which can cancel
   * nothing: set it above statementTimeoutMs, so a server that answers cancels first, with the reason.
   */
  answerTimeoutMs?: number;
  /** A statement waiting longer for a lock fails (SQLSTATE 55P03) instead of waiting; none by default. */
  lockTimeoutMs?: number;
  /**
   * A connection whose statement has waited this long for its answer is checked: dropped if the server no
   * longer knows it (a failover whose old address drops packets), left alone if its statement is running
   * (SilenceWatch). Off by default. For statements with no time limit, where answerTimeoutMs cannot serve.
   */
  checkSilentAfterMs?: number;
  /** Told of each connection checkSilentAfterMs dropped: its backend's pid and how long it waited. */
  onSilentDropped?: (dropped: { pid: number; waitedMs: number }) => void;
};

/**
 * Watches a pool's connections for a statement that waits past `afterMs` for its answer, and asks the
 * server, on a probe connection of its own, whether that connection's backend still exists. One the server
 * no longer knows (a failover whose old address drops packets: the old server is gone, its connections
 * stay open and silent) is dropped, its statement failing at once, rather than after TCP gives up (about
 * 15 minutes). A statement still running is left alone however long it takes, so this suits statements with
 * no time limit. A server that cannot be asked tells nothing: its connections wait on. Behind a pooler
 * (PgBouncer), which answers for backends it hides, the watch gives up: it cannot tell them apart.
 * Exported for its test; createPrisma's checkSilentAfterMs is the way to use it.
 */
export class SilenceWatch {
  private readonly waiting = new Map<pg.Client, { since: number; count: number }>();
  /** When each connection was established, by this process's clock (see check: a pid can be reused). */
  private readonly connectedAt = new WeakMap<pg.Client, number>();
  private checking = false;
  private hidden = false;

  constructor(
    private readonly o: {
      config: pg.ClientConfig;
      afterMs: number;
      onDrop?: (dropped: { pid: number; waitedMs: number }) => void;
    },
  ) {
    setInterval(() => void this.check(), Math.max(100, Math.round(o.afterMs / 2))).unref();
  }

  connected(client: pg.Client): void {
    this.connectedAt.set(client, performance.now());
  }

  started(client: pg.Client): void {
    const w = this.waiting.get(client);
    if (w) w.count++;
    else this.waiting.set(client, { since: Date.now(), count: 1 });
  }

  /** pg runs a connection's statements one after another: the next one queued starts now. */
  settled(client: pg.Client): void {
    const w = this.waiting.get(client);
    if (!w) return;
    w.count--;
    if (w.count === 0) this.waiting.delete(client);
    else w.since = Date.now();
  }

  private async check(): Promise<void> {
    if (this.checking || this.hidden) return;
    const now = Date.now();
    const stuck = [...this.waiting]
      .filter(([c, w]) => now - w.since >= this.o.afterMs && pidOf(c) != null)
      .map(([c]) => c);
    if (!stuck.length) return;
    this.checking = true;
    const probe = new pg.Client({ ...this.o.config, connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      // A backend is this connection's only if it is at least as old: after a failover the new server may
      // give another backend the same pid, and that one started after this connection (less a second for the
      // probe's own way there, compared as durations so the two clocks need not agree).
      const { rows } = await probe.query<{ me: number; alive: number[] }>(
        `SELECT pg_backend_pid() AS me, array(
           SELECT a.pid FROM pg_stat_activity a JOIN unnest($1::int[], $2::float8[]) AS s(pid, age) ON a.pid = s.pid
           WHERE a.backend_start <= clock_timestamp() - make_interval(secs => s.age - 1)) AS alive`,
        [
          stuck.map(pidOf),
          stuck.map((c) => (performance.now() - (this.connectedAt.get(c) ?? performance.now())) / 1000),
        ],
      );
      probe.end().catch(() => undefined);
      const [{ me, alive }] = rows as [{ me: number; alive: number[] }];
      if (me !== pidOf(probe)) {
        this.hidden = true;
        return;
      }
      for (const c of stuck) {
        const w = this.waiting.get(c);
        if (!w || alive.includes(pidOf(c) as number)) continue;
        this.o.onDrop?.({ pid: pidOf(c) as number, waitedMs: Date.now() - w.since });
        destroyConnection(c);
      }
    } catch {
      // Not answered or refused: nothing can be told. The probe's socket goes without a goodbye.
      destroyConnection(probe);
    } finally {
      this.checking = false;
    }
  }
}

/** The backend's process id, from the server's BackendKeyData (pg keeps it; its types do not say so). */
const pidOf = (client: pg.Client): number | null =>
  (client as unknown as { processID: number | null }).processID;

const destroyConnection = (client: pg.Client) =>
  (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();

/**
 * pg's client with what createPrisma asks of it. `answerLimited`: a statement whose answer limit
 * (query_timeout) passed drops its connection. pg keeps that statement active on it, so every later one
 * waits behind an answer that may never come, and Prisma's transactions return their connection to the
 * pool without the error: after a failover the next page to take it waited out the limit and failed too.
 * Dropped, it is never reused; the pool opens a new connection, which reaches the new server. `watch`: each
 * statement is shown to a SilenceWatch.
 */
function clientClass(o: { answerLimited: boolean; watch: SilenceWatch | null }): typeof pg.Client {
  /** pg's error for a statement whose answer limit (query_timeout) passed, when createPrisma set one. */
  const pastAnswerLimit = (e: unknown) =>
    o.answerLimited && e instanceof Error && e.message === 'Query read timeout';
  return class ManagedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      this.once('connect', () => o.watch?.connected(this));
      const query = this.query.bind(this) as (...args: unknown[]) => unknown;
      (this as { query: unknown }).query = (...args: unknown[]) => {
        // The pool's own query (Prisma's statements outside a transaction) passes a callback. The pool
        // ends a client whose statement failed, but ending sends a goodbye and waits for the server to
        // close: a silent one never does, and each such connection stayed open until TCP gave up.
        const callback = args.at(-1);
        if (typeof callback === 'function') {
          o.watch?.started(this);
          args[args.length - 1] = (...answered: unknown[]) => {
            o.watch?.settled(this);
            const result = callback(...answered);
            if (pastAnswerLimit(answered[0])) destroyConnection(this);
            return result;
          };
        }
        const answer = query(...args);
        if (answer instanceof Promise) {
          o.watch?.started(this);
          answer.then(
            () => o.watch?.settled(this),
            (e: unknown) => {
              o.watch?.settled(this);
              if (pastAnswerLimit(e)) destroyConnection(this);
            },
          );
        }
        return answer;
      };
    }
  };
}

/**
 * The one way to get a Prisma client: the pure-JS driver adapter over `pg`, so no native query engine
 * is needed anywhere (it cannot be downloaded offline, and it would double every process's memory).
 */
export function createPrisma(options: CreatePrismaOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 0,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(options.lockTimeoutMs ? { lock_timeout: options.lockTimeoutMs } : {}),
    ...(options.answerTimeoutMs ? { query_timeout: options.answerTimeoutMs } : {}),
    ...(options.answerTimeoutMs || options.checkSilentAfterMs
      ? {
          Client: clientClass({
            answerLimited: Boolean(options.answerTimeoutMs),
            watch: options.checkSilentAfterMs
              ? new SilenceWatch({
                  config: { connectionString: options.url },
                  afterMs: options.checkSilentAfterMs,
                  ...(options.onSilentDropped ? { onDrop: options.onSilentDropped } : {}),
                })
              : null,
          }),
        }
      : {}),
    // TCP keepalive from 30 s idle (the kernel's probe interval and count then apply).
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}
