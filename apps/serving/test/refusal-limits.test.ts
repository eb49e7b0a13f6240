import { afterAll, beforeAll, beforeEach, expect, inject, it } from 'vitest';
import { API_KEY, createApiKey, createPublishableKey, type Harness, startServing } from './harness.ts';

// Refused requests count against the key's and the address's limits as turns do: a valid key (or the public
// publishable key with an Origin any script can set) cannot send malformed bodies, or requests its scope or
// origin forbid, without limit. The session's limit counts valid turns only.
const KEY_LIMIT = 12;
const ADDRESS_LIMIT = 4;
const PUBLISHABLE = 'pk_test_refusals_0123456789abcdefgh';
const SHOP = 'http://shop.test:3100';
let h: Harness;

beforeAll(async () => {
  h = await startServing({
    bundleDir: inject('bootstrapBundle'),
    env: {
      RATE_LIMIT_KEY_PER_MINUTE: String(KEY_LIMIT),
      RATE_LIMIT_ADDRESS_PER_MINUTE: String(ADDRESS_LIMIT),
      RATE_LIMIT_SESSION_PER_MINUTE: '2',
    },
  });
  await createPublishableKey(h.db, { secret: PUBLISHABLE, origins: [SHOP] });
});
afterAll(() => h?.close());

// Limits count per clock minute: a test that would straddle one waits for the next, so its counts hold.
beforeEach(async () => {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5_000) await new Promise((r) => setTimeout(r, left + 50));
});

type TSend = { key?: string; from?: string; origin?: string; type?: string; url?: string };
const send = (payload: string, { key = API_KEY, from, origin, type, url = '/v1/chat' }: TSend = {}) =>
  h.serving.app.inject({
    method: 'POST',
    url,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': type ?? 'application/json',
      ...(origin ? { origin } : {}),
    },
    payload,
    ...(from ? { remoteAddress: from } : {}),
  });
const secretKey = (n: number) => `sk_test_refusals_${n}_0123456789abcdefgh`;
const addKey = (key: string, scopes = ['chat', 'feedback']) =>
  createApiKey(h.db, { secret: key, kind: 'SECRET', scopes, name: key });

it("answers malformed bodies past the key's limit with 429 and Retry-After, whatever is wrong with them", async () => {
  const key = secretKey(1);
  await addKey(key);
  const malformed = [
    () => send('{"sessionId": "a", "text": 42}', { key }), // fails the schema
    () => send('{"sessionId": "a", "text": ', { key }), // not JSON
    () => send('sessionId=a&text=hi', { key, type: 'text/plain' }), // not application/json
    () => send('[1, 2]', { key }), // not an object
    () => send('{"sessionId": "a", "rating": 9}', { key, url: '/v1/feedback' }),
  ];
  const before: number[] = [];
  for (let i = 0; i < KEY_LIMIT; i++) before.push((await malformed[i % malformed.length]!()).statusCode);
  expect(before.every((s) => s === 400 || s === 415)).toBe(true);

  for (const next of malformed) {
    const res = await next();
    expect(res.statusCode, res.body).toBe(429);
    expect(res.json().error.code).toBe('RATE_LIMITED');
    expect(res.json().error.message).toMatch(/API key's limit of 12 requests a minute/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  }
  // The key is spent for this minute, valid turns included; another key is not.
  expect((await send('{"sessionId": "a", "text": "hi"}', { key })).statusCode).toBe(429);
  expect((await send('{"sessionId": "a", "text": "hi"}')).statusCode).toBe(200);
});

it('counts requests the key may not make: a missing scope, a secret key from a browser', async () => {
  const key = secretKey(2);
  await addKey(key, ['feedback']);
  const statuses: number[] = [];
  for (let i = 0; i < KEY_LIMIT + 2; i++) {
    const res =
      i % 2
        ? await send('{"sessionId": "a", "text": "hi"}', { key })
        : await send('{"sessionId": "a", "rating": 5, "sessionToken": "x"}', {
            key,
            url: '/v1/feedback',
            origin: SHOP,
          });
    statuses.push(res.statusCode);
  }
  expect(statuses.slice(0, KEY_LIMIT)).toEqual(statuses.slice(0, KEY_LIMIT).map(() => 403));
  expect(statuses.slice(KEY_LIMIT)).toEqual([429, 429]);
});

it("limits one address's malformed bodies and wrong origins on the publishable key, not other addresses'", async () => {
  const from = '203.0.113.40';
  const statuses: number[] = [];
  for (let i = 0; i < ADDRESS_LIMIT + 2; i++) {
    const res =
      i % 2
        ? await send('{"sessionId": "w", "text": 42}', { key: PUBLISHABLE, origin: SHOP, from })
        : await send('{"sessionId": "w", "text": "hi"}', {
            key: PUBLISHABLE,
            origin: 'http://elsewhere.test',
            from,
          });
    statuses.push(res.statusCode);
  }
  expect(statuses.slice(0, ADDRESS_LIMIT)).toEqual([403, 400, 403, 400]);
  const limited = await send('{"sessionId": "w", "text": 42}', { key: PUBLISHABLE, origin: SHOP, from });
  expect(limited.statusCode).toBe(429);
  expect(limited.json().error.message).toMatch(/address's limit of 4/);
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  expect(statuses.slice(ADDRESS_LIMIT)).toEqual([429, 429]);
  const elsewhere = { key: PUBLISHABLE, origin: SHOP, from: '198.51.100.41' };
  expect((await send('{"sessionId": "w", "text": 42}', elsewhere)).statusCode).toBe(400);
});

it("keeps the session's limit for valid turns: refused bodies naming the session do not spend it", async () => {
  const key = secretKey(3);
  await addKey(key);
  for (let i = 0; i < 3; i++)
    expect((await send('{"sessionId": "s-1", "text": 42}', { key })).statusCode).toBe(400);
  expect((await send('{"sessionId": "s-1", "text": "hi"}', { key })).statusCode).toBe(200);
  expect((await send('{"sessionId": "s-1", "text": "hello"}', { key })).statusCode).toBe(200);
  const third = await send('{"sessionId": "s-1", "text": "hey"}', { key });
  expect(third.statusCode).toBe(429);
  expect(third.json().error.field).toBe('sessionId');
});

it('counts feedback as it counts turns: valid bodies against their session, any against the address', async () => {
  const key = secretKey(4);
  await addKey(key);
  const feedback = { sessionId: 'f-1', sessionToken: 'not_a_conversation_token_0123', rating: 5 };
  const sendFeedback = (body: object, options: TSend = {}) =>
    send(JSON.stringify(body), { key, url: '/v1/feedback', ...options });
  // Refused bodies naming the session do not spend its limit of 2; valid ones do, found or not.
  for (let i = 0; i < 3; i++) expect((await sendFeedback({ ...feedback, rating: 9 })).statusCode).toBe(400);
  expect((await sendFeedback(feedback)).statusCode).toBe(404);
  expect((await sendFeedback(feedback)).statusCode).toBe(404);
  const third = await sendFeedback(feedback);
  expect([third.statusCode, third.json().error.field]).toEqual([429, 'sessionId']);
  expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);

  // A publishable key of its own, so that the other tests' turns do not spend its key's limit.
  const publishable = 'pk_test_refusals_feedback_0123456789';
  await createPublishableKey(h.db, { secret: publishable, origins: [SHOP] });
  const from = '203.0.113.50';
  const statuses: number[] = [];
  for (let i = 0; i < ADDRESS_LIMIT; i++) {
    const origin = i % 2 ? SHOP : 'http://elsewhere.test';
    const res = await sendFeedback(
      { ...feedback, sessionId: `f-${i}`, rating: i % 2 ? 9 : 5 },
      { key: publishable, origin, from },
    );
    statuses.push(res.statusCode);
  }
  expect(statuses).toEqual([403, 400, 403, 400]);
  const limited = await sendFeedback(feedback, { key: publishable, origin: SHOP, from });
  expect(limited.statusCode).toBe(429);
  expect(limited.json().error.message).toMatch(/address's limit of 4/);
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  const elsewhere = { key: publishable, origin: SHOP, from: '198.51.100.50' };
  expect((await sendFeedback(feedback, elsewhere)).statusCode).toBe(404);
});
