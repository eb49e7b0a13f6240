import { createHmac } from 'node:crypto';

/**
 * What a shop's backend does for its signed-in shopper: vouch for them to the agent with a short-lived
 * token, `base64url({sub, exp}).base64url(HMAC-SHA256)`, signed with the CUSTOMER_TOKEN_SECRET it shares
 * with serving. The secret stays on the server; only the token goes to the browser.
 */
export function mintCustomerToken(secret: string, customerId: string, ttlSeconds = 3600): string {
  const claims = { sub: customerId, exp: Math.floor(Date.now() / 1000) + ttlSeconds };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}
