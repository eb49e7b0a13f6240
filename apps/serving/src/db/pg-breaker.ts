import { AppError } from '@acsa/core/errors';
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import type pg from 'pg';

/**
 * SQLSTATEs that say the server is away or refusing connections, not that a statement was wrong. Not 57014
 * (a statement cancelled by statement_timeout, db/pool.ts): a slow statement on a server that answers is a
 * plan or a query to fix, a 500 that alerts, and must not take the database away from every turn.
 */
const DOWN_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const DOWN_SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/**
 * Whether an error means PostgreSQL cannot be reached (refused, cut, shutting down, starting up, out of
 * connections), as opposed to a statement it refused (a constraint, a bad cast), which must not open the
 * breaker: a client sending duplicate turns would otherwise take the database away from everyone.
 */
export function isPgUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (DOWN_STATES.has(code) || code.startsWith('08') || DOWN_SOCKET.has(code)))
    return true;
  return /Connection terminated|not queryable/i.test(e.message) || isNoAnswer(e);
}

/**
 * Every connection of the pool stayed busy past db/pool.ts's connect limit: this process is overloaded,
 * while PostgreSQL answers. Refused like an outage (503, try again shortly), but not counted by the breaker,
 * which would otherwise refuse every turn for a queue that drains in seconds.
 */
export function isPoolBusy(e: unknown): boolean {
  return e instanceof Error && e.message === 'timeout exceeded when trying to connect';
}

/** The breaker's probe found no free connection of its pool in time: it learnt nothing of the server. */
class ProbeWithoutConnection extends Error {}

/**
 * A statement's failure that arrived after the circuit opened or closed since the statement was sent: it
 * tells of the server as it was then. Not an error cockatiel handles, so the breaker neither counts it nor
 * takes it for a success; the caller still gets its 503.
 */
class FailedBeforeLastChange extends Error {}

/**
 * The server did not answer at all within db/pool.ts's limits: a connection that got no reply, a statement
 * whose answer never came (or a probe that could not even ask). A refused or cut connection fails in
 * microseconds and may be a blip, so the breaker waits for several in a row; silence costs each turn seconds,
 * so one is enough to open it.
 */
export function isNoAnswer(e: unknown): boolean {
  return (
    e instanceof ProbeWithoutConnection ||
    (e instanceof Error && /^Query read timeout$|due to connection timeout/.test(e.message))
  );
}

/** Opens after `threshold` failures in a row, or at once on a statement PostgreSQL never answered. */
class PgBreaker extends ConsecutiveBreaker {
  policy: CircuitBreakerPolicy | null = null;
  override failure() {
    // cockatiel records the failure (lastFailure) just before asking whether to open.
    const last = this.policy?.lastFailure;
    const silent = last !== undefined && 'error' in last && isNoAnswer(last.error);
    return super.failure() || silent;
  }
}

/**
 * The breaker of each guarded pool, for work on a client checked out of it (the outbox relay), which
 * `pool.query`'s wrapper never sees.
 */
const guards = new WeakMap<
  pg.Pool,
  { admits: () => boolean; failed: (e: unknown, mark?: number) => Promise<void>; mark: () => number }
>();

/**
 * Whether `pool`'s breaker lets work through now (a pool without one always does), for work on a checked-out
 * client: the outbox relay dialled a silent PostgreSQL every tick, each try holding one of the turns'
 * connections for the connect limit. While open it starts the breaker's probe when due, as a refused
 * statement does, so a process with no turns still finds PostgreSQL back (and its outbox is sent).
 */
export function poolAdmits(pool: pg.Pool): boolean {
  return guards.get(pool)?.admits() ?? true;
}

/**
 * Where `pool`'s breaker stands (it changes as the circuit opens or closes), for work on a checked-out client
 * to pass to `countPoolFailure` with its failure.
 */
export function poolMark(pool: pg.Pool): number {
  return guards.get(pool)?.mark() ?? 0;
}

/**
 * Counts a failure of work on a client checked out of `pool` as the breaker counts its statements' (one
 * that says PostgreSQL is away opens it after `failures` in a row, silence at once; any other is ignored),
 * so that with no turns to find the outage the relay still stops dialling it. With `mark` (`poolMark` when
 * the work began), a failure of work begun before the circuit last opened or closed is not counted, as a
 * statement's is not.
 */
export function countPoolFailure(pool: pg.Pool, e: unknown, mark?: number): Promise<void> {
  return guards.get(pool)?.failed(e, mark) ?? Promise.resolve();
}

export type TPgBreakerOptions = {
  /** Consecutive connection failures that open the circuit. */
  failures?: number;
  /** How long the circuit stays open before one statement probes PostgreSQL (half-open). */
  halfOpenAfterMs?: number;
  onStateChange?: (state: 'closed' | 'open' | 'half-open') => void;
  onRejected?: () => void;
};

const STATE_NAMES = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
} as const;

/**
 * A circuit breaker around every statement of `pool` (its promise form of `query`, which the turn path,
 * knowledge, sessions and the turn writer all use). While PostgreSQL is away a turn must be refused in
 * milliseconds with 503 and Retry-After, not wait on connects and fail with a 500: without the breaker
 * each turn opened a new connection attempt, and the storefront got 500s it could not tell from bugs.
 * Closed: statements run; a connection failure is answered 503 at once. After `failures` of them in a row
 * the circuit opens (at once if PostgreSQL did not answer at all): statements are refused without touching
 * the network for `halfOpenAfterMs`, then a `SELECT 1` of the breaker's own probes (half-open) while every
 * statement is still refused, and its success closes the circuit. No turn's statement is the probe: a silent
 * server holds a probe for the pool's limits (seconds), and the turn writer's next batch queued behind it
 * (`npx tsx bench/faults/run.ts --faults postgres-silent`: p99 2.95 s during the fault with turns' statements
 * as probes). Cockatiel alone would make every statement wait on the probe.
 */
export function guardPool(pool: pg.Pool, options: TPgBreakerOptions = {}) {
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 1_000;
  const counter = new PgBreaker(options.failures ?? 5);
  const breaker = circuitBreaker(handleWhen(isPgUnavailable), {
    halfOpenAfter: halfOpenAfterMs,
    breaker: counter,
  });
  counter.policy = breaker;
  let openedAt = 0;
  /**
   * Counts the circuit's opens and closes. A statement sent before the last of them, answered by a failure
   * after it, is not counted: a silent server's statements time out `answerMs` after they were sent, and the
   * last of them, sent just before the breaker opened, came after the probe had found PostgreSQL back and
   * opened the circuit again, at once (silence), for another `halfOpenAfterMs` of 503s.
   */
  let changes = 0;
  breaker.onBreak(() => {
    openedAt = Date.now();
    changes++;
  });
  breaker.onReset(() => {
    changes++;
  });
  breaker.onStateChange((s) => options.onStateChange?.(STATE_NAMES[s]));

  const refuse = (cause?: unknown) => {
    options.onRejected?.();
    const wait = Math.max(1, Math.ceil((openedAt + halfOpenAfterMs - Date.now()) / 1000));
    return new AppError('UNAVAILABLE', 'the shop database is unavailable; try again shortly', {
      retryAfter: wait,
      cause,
    });
  };
  const busy = (cause: unknown) => {
    options.onRejected?.();
    return new AppError('UNAVAILABLE', 'the shop database is busy; try again shortly', {
      retryAfter: 1,
      cause,
    });
  };

  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  // A probe that waited past the connect limit for a free connection learnt nothing: counted as the server
  // not answering. Left as pool-busy (which the breaker does not count), cockatiel would take it for a success
  // and close the circuit while PostgreSQL is still silent.
  const probe = () =>
    query('SELECT 1').catch((e: unknown) => {
      throw isPoolBusy(e)
        ? new ProbeWithoutConnection('the probe found no free connection', { cause: e })
        : e;
    });
  const admits = () => {
    if (breaker.state === CircuitState.Closed) return true;
    // Open: once halfOpenAfterMs has passed, execute() runs the probe (half-open), else refuses at once.
    if (breaker.state === CircuitState.Open) void breaker.execute(probe).catch(() => undefined);
    return false;
  };
  guards.set(pool, {
    admits,
    mark: () => changes,
    // cockatiel records failures only of what it runs. Only while closed: open, the failure would be the probe.
    failed: async (e, mark) => {
      if (breaker.state !== CircuitState.Closed || (mark !== undefined && mark !== changes)) return;
      await breaker.execute(() => Promise.reject(e)).catch(() => undefined);
    },
  });
  const guarded = async (args: unknown[]) => {
    if (!admits()) throw refuse();
    const sentAt = changes;
    try {
      return await breaker.execute(() =>
        query(...args).catch((e: unknown) => {
          throw sentAt !== changes && isPgUnavailable(e) ? new FailedBeforeLastChange('', { cause: e }) : e;
        }),
      );
    } catch (e) {
      if (e instanceof FailedBeforeLastChange) throw refuse(e.cause);
      if (e instanceof BrokenCircuitError) throw refuse(e);
      if (isPgUnavailable(e)) throw refuse(e);
      if (isPoolBusy(e)) throw busy(e);
      throw e;
    }
  };
  // The callback form (unused on our paths) is left as pg wrote it.
  (pool as { query: unknown }).query = (...args: unknown[]) =>
    typeof args.at(-1) === 'function' ? query(...args) : guarded(args);

  return {
    breaker,
    get state(): 'closed' | 'open' | 'half-open' {
      return STATE_NAMES[breaker.state];
    },
  };
}
export type TPgGuard = ReturnType<typeof guardPool>;
