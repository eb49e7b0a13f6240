import { AppError } from '@acsa/core/errors';
import type { FastifyError, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';
import type { ApiKeyAuth, TApiKeyPrincipal, TAuthRequest } from '../auth/api-keys.ts';
import { fromZod } from './error-handler.ts';
import type { RateLimiter } from './rate-limit.ts';

type TSchema<T> = {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError };
};

/** A request's body when the key may send it and it is valid; else why it is refused. */
export type TAdmission<T> = { ok: true; body: T } | { ok: false; refusal: AppError };

/**
 * Checks the key's scope and origin, then the body, returning the refusal instead of throwing it: a route
 * counts every request against its key's and address's limits before it answers a refusal, so that bad
 * bodies and borrowed keys are limited like turns are. Only a valid body names a session to count.
 */
export function admit<T>(
  auth: ApiKeyAuth,
  principal: TApiKeyPrincipal,
  access: Omit<TAuthRequest, 'client'>,
  schema: TSchema<T>,
  body: unknown,
): TAdmission<T> {
  const refusal = auth.authorize(principal, access);
  if (refusal) return { ok: false, refusal };
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, refusal: new AppError('BAD_REQUEST', 'the body must be a JSON object') };
  }
  const r = schema.safeParse(body);
  return r.success ? { ok: true, body: r.data } : { ok: false, refusal: fromZod(r.error) };
}

/** Publishable keys are counted per client address too: one browser, whatever sessions it opens. */
export const addressOf = (principal: TApiKeyPrincipal, ip: string): { address?: string } =>
  principal.kind === 'PUBLISHABLE' ? { address: ip } : {};

/**
 * A route's error handler for the bodies Fastify refuses before the route runs (not JSON, not
 * application/json, too large, a Content-Length that lies): a known key's are counted against its key's and
 * address's limits as the route's own refusals are, and past a limit the answer is 429 with Retry-After.
 * Anything else, and a request without a known key, goes on to the app's error handler unchanged. Only
 * refused requests pay this round trip to Redis, and it joins the limiter's batch.
 */
export function countRefusedBodies(auth: ApiKeyAuth, limiter: RateLimiter) {
  return async (error: FastifyError, request: FastifyRequest): Promise<never> => {
    if (!error.code?.startsWith('FST_ERR_CTP_')) throw error;
    const principal = await auth.identify(request.headers.authorization, request.ip).catch(() => null);
    if (principal) await limiter.check(principal.id, undefined, addressOf(principal, request.ip));
    throw error;
  };
}
