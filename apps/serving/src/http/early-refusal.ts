import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import { corsGrant } from './cors.ts';

export type TEarlyRefusalOptions = {
  auth: ApiKeyAuth;
  /** Behind a proxy the socket's address is the proxy's: then only known-bad keys are refused here. */
  behindProxy: boolean;
  onRefusal(status: number): void;
};

/**
 * Requests with keys known to be bad, or unknown keys from an address out of lookups, answered before
 * Fastify's routing, body parsing and hooks: a flood of random keys must not take the event loop from
 * valid keys' turns (bench/serving/auth-flood.ts). Returns whether it answered the request.
 */
export function createEarlyRefusals({ auth, behindProxy, onRefusal }: TEarlyRefusalOptions) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/')) return false;
    const refusal = auth.refuseEarly(
      req.headers.authorization,
      behindProxy ? null : (req.socket.remoteAddress ?? null),
    );
    if (!refusal) return false;
    onRefusal(refusal.status);
    const answer = () => {
      if (res.destroyed) return;
      res.writeHead(refusal.status, {
        'content-type': 'application/json; charset=utf-8',
        // Sized, as every answer of serving is: with writeHead and no length Node sends it chunked.
        'content-length': Buffer.byteLength(refusal.body),
        ...(refusal.retryAfter ? { 'retry-after': String(refusal.retryAfter) } : {}),
        // The CORS hook never runs for these, yet a page must read them as it reads any other answer:
        // without the grant a revoked key's 401 looks like an outage to the widget, and a 429's
        // Retry-After is hidden.
        ...corsGrant(req.headers.origin),
      });
      res.end(refusal.body);
    };
    if (!refusal.holdMs) {
      answer();
      return true;
    }
    // Held (see TApiKeyAuthOptions.refusalHoldMs); a client that hangs up meanwhile is forgotten.
    const timer = setTimeout(answer, refusal.holdMs);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    return true;
  };
}
