import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPublishableKey, type Harness, startServing } from './harness.ts';

// A storefront page's view of the refusals serving gives before its hooks run (a key it already knows to
// be bad, an address out of key lookups), over real HTTP: a browser hands the page an answer only if it
// carries the CORS grant, and otherwise reports a network failure. Every origin gets the grant.
const SHOP = 'http://shop.test:3100';
const ELSEWHERE = 'http://elsewhere.test';
const LIVE = 'pk_test_live_0123456789abcdefghij';
const REVOKED = 'pk_test_revoked_0123456789abcdefgh';
let h: Harness;
let base: string;

const chat = (key: string, origin: string) =>
  fetch(`${base}/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, origin, 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: 'early-1', text: 'hello' }),
  });
const random = () => `pk_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
/** What a page of `origin` gets to see: the status and message, or nothing at all. */
const readable = async (res: Response, origin: string) => {
  const body = (await res.json()) as { error: { message: string } };
  const granted = res.headers.get('access-control-allow-origin') === origin;
  const exposed = res.headers.get('access-control-expose-headers')?.split(/,\s*/) ?? [];
  return granted
    ? {
        status: res.status,
        message: body.error.message,
        retryAfter: exposed.includes('retry-after') ? res.headers.get('retry-after') : null,
      }
    : null;
};

beforeAll(async () => {
  h = await startServing({ bundleDir: inject('bootstrapBundle') });
  // The shop rotated its widget's key: the old one is revoked, the new one allows the same page.
  await createPublishableKey(h.db, { secret: LIVE, origins: [SHOP], name: 'Widget' });
  await createPublishableKey(h.db, {
    secret: REVOKED,
    origins: [SHOP],
    name: 'Widget (old)',
    revokedAt: new Date(),
  });
  base = await h.serving.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h?.close());

describe('refusals answered before the hooks, as a storefront page sees them', () => {
  it('a revoked or unknown key reads "unknown or revoked" every time, not a network failure once it is known bad', async () => {
    for (const key of [REVOKED, random()]) {
      // The first answer looks the key up; the ones after come from the early path's cache of bad keys.
      for (let i = 0; i < 3; i++) {
        expect(await readable(await chat(key, SHOP), SHOP)).toMatchObject({
          status: 401,
          message: 'unknown or revoked API key',
        });
      }
    }
  });

  it('is sized like every other answer (Content-Length, not chunked)', async () => {
    for (let i = 0; i < 2; i++) {
      // The second is the early path's: the key is known to be bad by then.
      const res = await chat(REVOKED, SHOP);
      const body = await res.text();
      expect([res.status, res.headers.get('content-length')]).toEqual([401, String(Buffer.byteLength(body))]);
      expect(res.headers.get('transfer-encoding')).toBeNull();
    }
  });

  it('an address out of key lookups reads 429 and its Retry-After, from any page', async () => {
    let seen: Awaited<ReturnType<typeof readable>> = null;
    // 20 lookups an address, then one a second: the early path refuses the rest.
    for (let i = 0; i < 30 && seen?.status !== 429; i++)
      seen = await readable(await chat(random(), SHOP), SHOP);
    expect(seen).toMatchObject({ status: 429, message: expect.stringMatching(/too many requests/) });
    expect(Number(seen?.retryAfter)).toBeGreaterThan(0);

    // A page no live publishable key allows reads the same refusals: a widget left on an old origin with
    // the rotated-out key is told its key is revoked, not shown a network failure.
    expect(await readable(await chat(random(), ELSEWHERE), ELSEWHERE)).toMatchObject({
      status: 429,
      retryAfter: expect.stringMatching(/^\d+$/),
    });
    expect(await readable(await chat(REVOKED, ELSEWHERE), ELSEWHERE)).toMatchObject({
      status: 401,
      message: 'unknown or revoked API key',
    });
  });
});
