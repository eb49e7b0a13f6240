import { AppError } from '@acsa/core/errors';
import { type Span, withSpan } from '@acsa/core/tracing';
import type { FastifyError, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';
import type { ApiKeyAuth, TApiKeyPrincipal, TAuthRequest } from '../auth/api-keys.ts';
import { fromZod } from './error-handler.ts';
import type { RateLimiter } from './rate-limit.ts';

type TSchema<T> = {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError };
};

/** A request's body when the key may send it and it is valid; else why it is refused. */
type TAdmission<T> = { ok: true; body: T } | { ok: false; refusal: AppError };

/**
 * Checks the key's scope and origin, then the body, returning the refusal instead of throwing it: a route
 * counts every request against its key's and address's limits before it answers a refusal, so that bad
 * bodies and borrowed keys are limited like turns are. Only a valid body names a session to count.
 */
function admit<T>(
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

export type TAdmitOptions<T, P> = {
  scope: string;
  schema: TSchema<T>;
  /** The route's span: identifying the key and counting get spans of their own under it. */
  span?: Span | undefined;
  /**
   * Worked out from a valid body before the round trip to Redis: the value of its `read` key (the session's
   * state) comes back with the counts, as `state`.
   */
  prepare?: (principal: TApiKeyPrincipal, body: T) => P;
};

export type TAdmitted<T, P> = {
  principal: TApiKeyPrincipal;
  body: T;
  /** What `prepare` returned (undefined without one). */
  prepared: P;
  /** The `read` key's value; null when absent, undefined when not read or Redis did not answer. */
  state: string | null | undefined;
};

/**
 * A route's checks, in this order: identify the key, admit the request (scope, origin, body), count it
 * against its key's, address's and (valid bodies only) session's limits, then answer the refusal if there is
 * one, else call `next`. A refused request is counted before it is answered so that it cannot be sent
 * without limit; counting is one round trip to Redis, batched with other requests' (RateLimiter). `next` is
 * called here rather than this returning, so that a turn awaits nothing more than these two steps.
 */
export async function admitAndCount<
  T extends { sessionId: string },
  R,
  P extends { read?: string | undefined } | undefined = undefined,
>(
  d: { auth: ApiKeyAuth; limiter: RateLimiter },
  request: FastifyRequest,
  options: TAdmitOptions<T, P>,
  next: (admitted: TAdmitted<T, P>) => Promise<R>,
): Promise<R> {
  const { span, schema, prepare } = options;
  const identify = () => d.auth.identify(request.headers.authorization, request.ip);
  const principal = await (span ? withSpan('auth', identify) : identify());
  const admitted = admit(
    d.auth,
    principal,
    { scope: options.scope, origin: request.headers.origin },
    schema,
    request.body,
  );
  const body = admitted.ok ? admitted.body : undefined;
  if (body) span?.setAttribute('acsa.session_id', body.sessionId);
  const prepared = body && prepare ? prepare(principal, body) : undefined;
  const read = prepared?.read;
  const count = () =>
    d.limiter.check(principal.id, body?.sessionId, { read, ...addressOf(principal, request.ip) });
  const state = await (span
    ? withSpan('rate-limit', count, { attributes: { 'acsa.session.prefetched': read !== undefined } })
    : count());
  if (!admitted.ok) throw admitted.refusal;
  // `prepared` is undefined only where P is: without `prepare`, or with a refusal thrown above.
  return next({ principal, body: admitted.body, prepared: prepared as P, state });
}

/** Publishable keys are counted per client address too: one browser, whatever sessions it opens. */
const addressOf = (principal: TApiKeyPrincipal, ip: string): { address?: string } =>
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
