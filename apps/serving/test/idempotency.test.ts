import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signCustomerToken } from '../src/auth/customer-token.ts';
import { IdempotencyStore } from '../src/chat/idempotency.ts';
import { API_KEY, type Harness, startServing, type TChatReply, TOKEN_SECRET } from './harness.ts';

// A storefront (the widget) names each message with an Idempotency-Key and sends the same key on each retry
// of it: a retry after the answer was lost on the way must not become a second turn.
let h: Harness;

const send = (body: Record<string, unknown>, key?: string) =>
  h.serving.app.inject({
    method: 'POST',
    url: '/v1/chat',
    headers: { authorization: `Bearer ${API_KEY}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: body,
  });

/** The customer's messages stored for a session, oldest first. */
const storedTexts = async (sessionId: string) =>
  (
    await h.db.prisma.message.findMany({
      where: { role: 'USER', conversation: { sessionId } },
      orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }],
    })
  ).map((m) => m.text);

beforeAll(async () => {
  h = await startServing({ bundleDir: inject('bootstrapBundle') });
});
afterAll(() => h?.close());

describe('a message sent again with its Idempotency-Key', () => {
  it('is answered once: the retry gets the first answer, marked replayed, and nothing is stored twice', async () => {
    const sessionId = 'idem-retry-1';
    const first = await send({ sessionId, text: 'where is my order 10042?' }, '3f1c2a9e-msg-0001');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retry = await send({ sessionId, text: 'where is my order 10042?' }, '3f1c2a9e-msg-0001');
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());

    // The conversation goes on from the one turn, and a retried second message is again one turn.
    const { sessionToken } = first.json() as TChatReply;
    const second = { sessionId, sessionToken, text: 'I want to talk to a person' };
    const answered = await send(second, '3f1c2a9e-msg-0002');
    const again = await send(second, '3f1c2a9e-msg-0002');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(answered.json());
    expect((answered.json() as TChatReply).escalated).toBe(true);
    expect(await storedTexts(sessionId)).toEqual(['where is my order 10042?', 'I want to talk to a person']);
    expect(await h.db.prisma.escalation.count({ where: { conversation: { sessionId } } })).toBe(1);

    // Without a key, the same text is a new message, as before.
    await send(second);
    expect(await storedTexts(sessionId)).toHaveLength(3);
  });

  it('sent twice at once is answered once: the other attempt is told to wait, or gets the same answer', async () => {
    const sessionId = 'idem-concurrent-1';
    const body = { sessionId, text: 'what is your return policy?' };
    const [a, b] = await Promise.all([send(body, '3f1c2a9e-same-time'), send(body, '3f1c2a9e-same-time')]);
    const statuses = [a.statusCode, b.statusCode].sort();
    if (statuses[0] === 200 && statuses[1] === 409) {
      const waiting = a.statusCode === 409 ? a : b;
      expect(waiting.headers['retry-after']).toBe('1');
      expect(waiting.json().error.field).toBe('Idempotency-Key');
      // The retry Retry-After asks for gets the answer.
      const later = await send(body, '3f1c2a9e-same-time');
      expect(later.headers['idempotent-replayed']).toBe('true');
    } else {
      expect(statuses).toEqual([200, 200]);
      expect(a.json()).toEqual(b.json());
    }
    expect(await storedTexts(sessionId)).toEqual(['what is your return policy?']);
  });

  it('with another text is refused with 422, naming the header, and the first answer still replays', async () => {
    const sessionId = 'idem-reused-1';
    const first = await send({ sessionId, text: 'hello' }, '3f1c2a9e-reused-key');
    expect(first.statusCode).toBe(200);
    const other = await send({ sessionId, text: 'where is my parcel?' }, '3f1c2a9e-reused-key');
    expect(other.statusCode).toBe(422);
    expect(other.json().error).toMatchObject({ code: 'UNPROCESSABLE', field: 'Idempotency-Key' });
    expect(other.json().error.message).toMatch(/another message/);
    expect((await send({ sessionId, text: 'hello' }, '3f1c2a9e-reused-key')).json()).toEqual(first.json());
    expect(await storedTexts(sessionId)).toEqual(['hello']);
  });

  it('is the same message when only the rest of the body changed (a page that minted a fresh customer token)', async () => {
    const sessionId = 'idem-fresh-token-1';
    const key = '3f1c2a9e-fresh-token';
    const alex = await h.db.prisma.customer.findFirstOrThrow({ where: { email: 'alex.morgan@example.com' } });
    const token = (at: number) => signCustomerToken(TOKEN_SECRET, alex.id, 3600, at);
    const first = await send(
      { sessionId, text: 'where is my order 10042?', customerToken: token(Date.now()) },
      key,
    );
    const again = await send(
      { sessionId, text: 'where is my order 10042?', customerToken: token(Date.now() + 5_000) },
      key,
    );
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await storedTexts(sessionId)).toEqual(['where is my order 10042?']);
  });

  it('is refused when the key is not one of 16 to 255 visible characters', async () => {
    for (const key of ['has space in the middle', 'x'.repeat(256), '', 'short-key']) {
      const res = await send({ sessionId: 'idem-bad-key', text: 'hello' }, key);
      expect(res.statusCode, key).toBe(400);
      expect(res.json().error.field).toBe('Idempotency-Key');
      expect(res.json().error.message).toMatch(/16 to 255 visible ASCII characters/);
    }
    expect(await storedTexts('idem-bad-key')).toEqual([]);
  });

  it('leaves no session token readable in Redis', async () => {
    const sessionId = 'idem-sealed-1';
    const res = await send({ sessionId, text: 'where is my order 10042?' }, '3f1c2a9e-sealed-key');
    const { sessionToken } = res.json() as TChatReply;
    const raw = new Redis(h.redis.url);
    try {
      const keys = await raw.keys(`${h.redis.prefix}idem:*`);
      expect(keys.length).toBeGreaterThan(0);
      const values = await raw.mget(...keys);
      for (const v of values) expect(v).not.toContain(sessionToken);
      expect(keys.join()).not.toContain('3f1c2a9e-sealed-key');
    } finally {
      raw.disconnect();
    }
  });
});

describe('a claim on a message', () => {
  it('is written or dropped only by the attempt that holds it, once an older one lapsed', async () => {
    const redis = new Redis(h.redis.url);
    try {
      await new Promise((r) => redis.once('ready', r));
      const store = new IdempotencyStore(redis, `${h.redis.prefix}idem-unit:`);
      const scope = { apiKeyId: 'key-1', sessionId: 'session-1' };
      const key = '3f1c2a9e-lapsed-claim';
      const slow = await store.claim<string>(scope, key, 'hello');
      expect(slow.kind).toBe('new');
      // The slow attempt's claim lapsed (a stall past PENDING_MS): a retry claims the message anew.
      const [name] = await redis.keys(`${h.redis.prefix}idem-unit:*`);
      await redis.del(name as string);
      const retry = await store.claim<string>(scope, key, 'hello');
      expect(retry.kind).toBe('new');
      if (slow.kind !== 'new' || retry.kind !== 'new') return;
      await retry.answered('the retry answer');
      // The slow attempt ends late, either way: the retry's answer stands.
      await slow.answered('the slow answer');
      await slow.failed();
      expect(await store.claim<string>(scope, key, 'hello')).toEqual({
        kind: 'replay',
        response: 'the retry answer',
      });
    } finally {
      redis.disconnect();
    }
  });
});
