import { AppError } from '@acsa/core/errors';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import type pg from 'pg';

/** SQLSTATEs that say the server is away or refusing connections, not that a statement was wrong. */
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
  return /Connection terminated|not queryable/i.test(e.message);
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
 * the circuit opens: statements are refused without touching the network for `halfOpenAfterMs`, then one
 * statement probes (half-open) while the others are still refused (cockatiel would make them wait on the
 * probe, which a hung server could hold for the connect timeout); its success closes the circuit.
 */
export function guardPool(pool: pg.Pool, options: TPgBreakerOptions = {}) {
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 1_000;
  const breaker = circuitBreaker(handleWhen(isPgUnavailable), {
    halfOpenAfter: halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.failures ?? 5),
  });
  let openedAt = 0;
  breaker.onBreak(() => {
    openedAt = Date.now();
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

  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  const guarded = async (args: unknown[]) => {
    if (breaker.state === CircuitState.HalfOpen) throw refuse();
    try {
      return await breaker.execute(() => query(...args));
    } catch (e) {
      if (e instanceof BrokenCircuitError) throw refuse(e);
      if (isPgUnavailable(e)) throw refuse(e);
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
