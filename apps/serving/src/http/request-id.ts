import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A caller's own id (a gateway's or a storefront's, so both sides' logs name the same request) is kept
 * only when it is one short token: anything else would let a client write what it likes into our logs and
 * headers, and a shorter one is too easily shared to find one request by.
 */
const SANE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

const ID = Symbol('acsa.requestId');
type TWithId = IncomingMessage & { [ID]?: string };

/**
 * The request's id: the caller's `x-request-id` when sane, else a new UUID. Made once per request and kept
 * on it, so the answer's header (set as the request arrives, before Fastify or an early refusal answers),
 * Fastify's `request.id` and the log lines' `reqId` are the same id.
 */
export function requestIdOf(req: IncomingMessage): string {
  const held = req as TWithId;
  if (held[ID]) return held[ID];
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
  held[ID] = id;
  return id;
}
