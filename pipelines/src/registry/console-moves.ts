import { AppError } from '@acsa/core/errors';
import { RegistryError } from '@acsa/db/registry';
import { Redis } from 'ioredis';
import type { TActor } from '../access/roles.ts';
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
};

/**
 * The Redis client a long-lived process announces moves with: connects on first use and fails a publish
 * fast when Redis is away (the move stands; replicas find it on their next registry poll).
 */
export function announcerRedis(url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  return redis;
}

const who = (actor: TActor) => ({ type: 'USER' as const, id: actor.id, display: `user:${actor.email}` });

async function confirmed(deps: TRegistryDeps, move: TConfirmedMove): Promise<string> {
  const reason = move.reason.trim();
  if (reason.length < 3)
    throw new AppError('BAD_REQUEST', 'say why (3 characters at least)', { field: 'reason' });
  const now = await deps.prisma.modelAlias.findUnique({
    where: { name: move.alias },
    select: { modelVersion: { select: { version: true } } },
  });
  const current = now?.modelVersion.version ?? null;
  if (current !== move.expectedFrom)
    throw new AppError(
      'CONFLICT',
      `${move.alias} moved to ${current ?? 'nothing'} since you looked (${move.expectedFrom ?? 'nothing'}); reload and decide again`,
    );
  return reason;
}

// The registry's own errors are about the request (unknown version, nothing to roll back to).
async function asAppError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
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
  const reason = await confirmed(deps, input);
  return asAppError(() =>
    promoteVersion(deps, { ref: input.version, alias: input.alias, actor: who(actor), reason }),
  );
}

/** The console's rollback: one move back, as `acsa models rollback`, with a reason and a confirmation. */
export async function rollbackFromConsole(
  deps: TRegistryDeps,
  actor: TActor,
  input: TConfirmedMove,
): Promise<TMoveResult> {
  const reason = await confirmed(deps, input);
  return asAppError(() => rollbackAlias(deps, { alias: input.alias, actor: who(actor), reason }));
}
