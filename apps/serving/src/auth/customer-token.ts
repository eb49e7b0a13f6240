import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '@acsa/core/errors';
import { z } from 'zod';

/**
 * A customer token is how the shop vouches for a signed-in shopper: `base64url(JSON payload).base64url(HMAC-
 * SHA256(payload))` with the shared CUSTOMER_TOKEN_SECRET. The payload names the customer and an expiry.
 */
const ZPayload = z.object({ sub: z.string().uuid(), exp: z.number().int() });
export type TCustomerClaims = z.infer<typeof ZPayload>;

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();

export function signCustomerToken(
  secret: string,
  customerId: string,
  ttlSeconds = 3600,
  now = Date.now(),
): string {
  const payload = Buffer.from(
    JSON.stringify({ sub: customerId, exp: Math.floor(now / 1000) + ttlSeconds }),
  ).toString('base64url');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

export function verifyCustomerToken(
  secret: string | undefined,
  token: string,
  now = Date.now(),
): TCustomerClaims {
  const bad = (why: string) =>
    new AppError('UNAUTHENTICATED', `invalid customerToken: ${why}`, { field: 'customerToken' });
  if (!secret) throw bad('this server does not accept customer tokens (no CUSTOMER_TOKEN_SECRET)');
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw bad('expected two dot-separated parts');
  const expected = sign(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw bad('signature does not match');
  let claims: TCustomerClaims;
  try {
    claims = ZPayload.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw bad('malformed payload');
  }
  if (claims.exp * 1000 < now) throw bad('expired');
  return claims;
}
