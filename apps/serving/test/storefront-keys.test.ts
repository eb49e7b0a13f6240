import { revokeApiKey } from '@acsa/pipelines/admin';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256Hex } from '../../../prisma/seed/access.ts';
import { signCustomerToken } from '../src/auth/customer-token.ts';
import { API_KEY, createPublishableKey, type Harness, startServing, TOKEN_SECRET } from './harness.ts';

// Browsers' view of the API, over real HTTP: Origin headers, preflights, publishable keys.
const PUBLISHABLE = 'pk_test_0123456789abcdefghijklmnop';
const SHOP = 'http://shop.test:3100';
const ELSEWHERE = 'http://elsewhere.test';
let h: Harness;
let base: string;

const send = (
  method: 'POST' | 'OPTIONS',
  path: string,
  headers: Record<string, string>,
  body?: Record<string, unknown>,
) =>
  fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
const preflight = (origin: string) =>
  send('OPTIONS', '/v1/chat', {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization,content-type',
  });
type TBody = {
  error: { message: string; field?: string };
  quickReplies?: { label: string; text: string }[];
  links?: { title: string; url: string }[];
};
const json = async (r: Response) => (await r.json()) as TBody;
const chat = (key: string, origin: string | null, body: Record<string, unknown>) =>
  send('POST', '/v1/chat', { authorization: `Bearer ${key}`, ...(origin ? { origin } : {}) }, body);

beforeAll(async () => {
  h = await startServing({
    bundleDir: inject('bootstrapBundle'),
    env: { RATE_LIMIT_ADDRESS_PER_MINUTE: '12', HELP_CENTER_URL: `${SHOP}/help` },
  });
  await createPublishableKey(h.db, { secret: PUBLISHABLE, origins: [SHOP] });
  base = await h.serving.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h?.close());

describe('publishable keys and CORS', () => {
  it('lets a page of any origin read its answer; the key allows only its own, and says so to the others', async () => {
    const ok = await preflight(SHOP);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    // The widget sends its key, JSON, and an Idempotency-Key per message; it reads when to retry and
    // whether an answer was replayed.
    expect(ok.headers.get('access-control-allow-headers')?.split(/,\s*/).sort()).toEqual([
      'authorization',
      'content-type',
      'idempotency-key',
    ]);
    const res = await chat(PUBLISHABLE, SHOP, { sessionId: 'w-1', text: 'what is your refund policy?' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    // …and the id of a failed request, to report it.
    expect(res.headers.get('access-control-expose-headers')?.split(/,\s*/).sort()).toEqual([
      'idempotent-replayed',
      'retry-after',
      'x-request-id',
    ]);

    // A page the key does not list (the shop's www., its staging) is told why, not shown a network failure:
    // the preflight passes for any origin, without credentials, and the request is refused with a 403 the
    // page can read.
    for (const origin of [ELSEWHERE, 'http://www.shop.test:3100']) {
      const pre = await preflight(origin);
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
      expect(pre.headers.get('vary')).toMatch(/origin/i);
      const refused = await chat(PUBLISHABLE, origin, { sessionId: 'w-2', text: 'hello' });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
      const { error } = await json(refused);
      expect(error.field).toBe('origin');
      expect(error.message).toContain(`not allowed from ${origin}`);
      expect(error.message).toMatch(/Use a key that lists .*, or make one in the console/);
    }
  });

  it('refuses a secret key used from a browser, saying why; it still works server to server', async () => {
    const res = await chat(API_KEY, SHOP, { sessionId: 'w-3', text: 'hello' });
    expect(res.status).toBe(403);
    const { error } = await json(res);
    expect(error.message).toMatch(/secret API key must not be used from a browser/);
    expect(error.message).toMatch(/publishable key/);
    expect((await chat(API_KEY, null, { sessionId: 'w-3', text: 'hello' })).status).toBe(200);
    // And it is seen as used (the console's "last used").
    await expect
      .poll(
        async () =>
          (await h.db.prisma.apiKey.findFirstOrThrow({ where: { hash: sha256Hex(API_KEY) } })).lastUsedAt,
      )
      .toBeInstanceOf(Date);
  });

  it('accepts a publishable key only with an Origin, and only for chat and feedback', async () => {
    const res = await chat(PUBLISHABLE, null, { sessionId: 'w-4', text: 'hello' });
    expect(res.status).toBe(403);
    expect((await json(res)).error.field).toBe('origin');
  });

  it('limits one browser address across the sessions it opens', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++)
      statuses.push((await chat(PUBLISHABLE, SHOP, { sessionId: `w-burst-${i}`, text: 'hi' })).status);
    // 12 a minute from this address (one spent by the first test; a new minute may start meanwhile).
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(12);
    expect(statuses).toContain(429);
    // A server-to-server key from the same address is not limited by it.
    expect((await chat(API_KEY, null, { sessionId: 'w-server', text: 'hi' })).status).toBe(200);
  });
});

describe('what a widget shows', () => {
  it('offers yes / no as quick replies when asking to confirm a cancellation, and links answers to their article', async () => {
    const paid = await h.db.prisma.order.findFirstOrThrow({ where: { status: 'PAID' } });
    const res = await chat(API_KEY, null, {
      sessionId: 'w-cancel',
      text: `I want to cancel order ${paid.number}`,
      customerToken: signCustomerToken(TOKEN_SECRET, paid.customerId),
    });
    const body = await json(res);
    expect(body.quickReplies).toEqual([
      { label: 'Yes, cancel it', text: 'yes' },
      { label: 'No, keep it', text: 'no' },
    ]);
    const faq = await json(
      await chat(API_KEY, null, { sessionId: 'w-faq', text: 'what is your refund policy?' }),
    );
    const article = await h.db.prisma.article.findUniqueOrThrow({ where: { slug: 'refund-policy' } });
    expect(faq.links).toEqual([{ title: article.title, url: `${SHOP}/help/refund-policy` }]);
    expect(faq.quickReplies).toBeUndefined();
  });
});

describe('revoking a key', () => {
  it('is answered 401 by serving within 5 s of the console revoking it, though serving had it cached', async () => {
    const key = 'sk_test_revoked_0123456789abcdefghij';
    const row = await h.db.prisma.apiKey.create({
      data: { name: 'Old backend', prefix: key.slice(0, 12), hash: sha256Hex(key), scopes: ['chat'] },
    });
    expect((await chat(key, null, { sessionId: 'r-1', text: 'hello' })).status).toBe(200);
    const admin = await h.db.prisma.user.findFirstOrThrow({ where: { role: 'ADMIN' } });
    const announcer = new Redis(h.redis.url);
    try {
      const revokedAt = Date.now();
      await revokeApiKey(h.db.prisma, admin, row.id, announcer);
      let status = 0;
      for (let i = 0; Date.now() - revokedAt < 5_000; i++) {
        status = (await chat(key, null, { sessionId: `r-${i}`, text: 'hello' })).status;
        if (status === 401) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(401);
    } finally {
      announcer.disconnect();
    }
  });
});

describe('random keys', () => {
  it('are refused before any lookup once the address is out of lookups, while a valid key goes on', async () => {
    const random = () => `sk_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let heldMs = 0;
    const started = performance.now();
    for (let i = 0; i < 28; i++) {
      const t0 = performance.now();
      const res = await chat(random(), null, { sessionId: `flood-${i}`, text: 'hi' });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        heldMs = performance.now() - t0;
      }
      await res.body?.cancel();
    }
    // 20 lookups an address, then one a second (401 after it), the rest 429 without one.
    const seconds = (performance.now() - started) / 1000;
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(21 + Math.ceil(seconds));
    expect(statuses.slice(20).filter((s) => s === 429).length).toBeGreaterThanOrEqual(4);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Held half a second: a flooding connection gets two answers a second, not thousands.
    expect(heldMs).toBeGreaterThanOrEqual(450);
    expect((await chat(API_KEY, null, { sessionId: 'after-flood', text: 'hello' })).status).toBe(200);
  });
});
