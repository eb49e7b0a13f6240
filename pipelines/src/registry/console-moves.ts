import { AppError } from '@acsa/core/errors';
import { AliasMovedError, RegistryError } from '@acsa/db/registry';
import { Redis } from 'ioredis';
import type { TActor } from '../access/roles.ts';
import { auditActorOf } from '../audit/audit-actor.ts';
import { promoteVersion, rollbackAlias, type TMoveResult, type TRegistryDeps } from './alias-moves.ts';
import { PRODUCTION_ALIAS, SHADOW_ALIAS } from './aliases.ts';

/** The aliases a person moves by hand; experiment variants move with their experiment. */
export const CONSOLE_ALIASES = [PRODUCTION_ALIAS, SHADOW_ALIAS] as const;
export type TConsoleAlias = (typeof CONSOLE_ALIASES)[number];

type TConfirmedMove = {
  alias: TConsoleAlias;
  /** Why, kept in the alias history: required from the console, where the CLI leaves it optional. */
  reason: string;
  /**
   * The version the person saw the alias at when they confirmed (null: pointing at nothing). A move made
   * by someone else in between refuses this one instead of silently moving from a version nobody looked at.
   */
  expectedFrom: string | null;
  /**
   * The running experiment the dialog said this move stops (null: it said none runs). A move of production
   * stops a running experiment; one that started after the dialog was drawn refuses the move instead.
   */
  expectedExperiment: string | null;
};

/**
 * The Redis client a long-lived process announces moves with: connects on first use and fails a publish
 * fast when Redis is away or silent (the move stands; replicas find it on their next registry poll). Without
 * the command timeout, a Redis that stops answering without closing held the engineer's Promote for good.
 */
export function announcerRedis(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
  });
  redis.on('error', () => undefined);
  return redis;
}

// Whether the alias is still where the person saw it is checked by the move itself, under the alias lock
// (`expectedFrom`): checked here, before it, two people confirming at once would both pass.
function confirmedReason(move: TConfirmedMove): string {
  const reason = move.reason.trim();
  if (reason.length < 3)
    throw new AppError('BAD_REQUEST', 'say why (3 characters at least)', { field: 'reason' });
  return reason;
}

// The registry's own errors are about the request (moved meanwhile, unknown version, nothing to roll
// back to).
async function asAppError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof AliasMovedError)
      throw new AppError(
        'CONFLICT',
        `${e.alias} moved to ${e.current ?? 'nothing'} since you looked (${e.expected ?? 'nothing'}); reload and decide again`,
      );
    if (e instanceof RegistryError)
      throw new AppError(/^no model version/.test(e.message) ? 'NOT_FOUND' : 'CONFLICT', e.message);
    throw e;
  }
}

/** The console's promote: the CLI's registry move, by a signed-in engineer, with a reason and a confirmation. */
export async function promoteFromConsole(
  deps: TRegistryDeps,
  actor: TActor,
  input: TConfirmedMove & { version: string },
): Promise<TMoveResult> {
  const reason = confirmedReason(input);
  return asAppError(() =>
    promoteVersion(deps, {
      ref: input.version,
      alias: input.alias,
      actor: auditActorOf(actor),
      reason,
      expectedFrom: input.expectedFrom,
      expectedExperiment: input.expectedExperiment,
    }),
  );
}

/** The console's rollback: one move back, as `acsa models rollback`, with a reason and a confirmation. */
export async function rollbackFromConsole(
  deps: TRegistryDeps,
  actor: TActor,
  input: TConfirmedMove,
): Promise<TMoveResult> {
  const reason = confirmedReason(input);
  return asAppError(() =>
    rollbackAlias(deps, {
      alias: input.alias,
      actor: auditActorOf(actor),
      reason,
      expectedFrom: input.expectedFrom,
      expectedExperiment: input.expectedExperiment,
    }),
  );
}
