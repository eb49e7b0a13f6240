import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { API_KEY, type Harness, startServing, type TChatReply } from './harness.ts';

// The widget retries feedback whose answer it did not get, with the same Idempotency-Key: a rating must
// count once however many times it arrives.
let h: Harness;

const feedback = (body: Record<string, unknown>, key?: string) =>
  h.serving.app.inject({
    method: 'POST',
    url: '/v1/feedback',
    headers: { authorization: `Bearer ${API_KEY}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: body,
  });

/** A conversation of its own: its sessionId and sessionToken. */
async function conversation(sessionId: string) {
  const res = await h.serving.app.inject({
    method: 'POST',
    url: '/v1/chat',
    headers: { authorization: `Bearer ${API_KEY}` },
    payload: { sessionId, text: 'thanks for the help' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { sessionId, sessionToken: (res.json() as TChatReply).sessionToken };
}

const ratings = async (sessionId: string) =>
  (
    await h.db.prisma.feedback.findMany({
      where: { conversation: { sessionId } },
      orderBy: { createdAt: 'asc' },
    })
  ).map((f) => f.rating);

beforeAll(async () => {
  h = await startServing({ bundleDir: inject('bootstrapBundle') });
});
afterAll(() => h?.close());

describe('feedback sent again with its Idempotency-Key', () => {
  it('counts once: the retry is answered as the first attempt was, marked replayed', async () => {
    const s = await conversation('fb-idem-1');
    const first = await feedback({ ...s, rating: 4 }, '9b2e7c1d-rating-0001');
    expect(first.statusCode, first.body).toBe(204);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      const retry = await feedback({ ...s, rating: 4 }, '9b2e7c1d-rating-0001');
      expect(retry.statusCode, retry.body).toBe(204);
      expect(retry.headers['idempotent-replayed']).toBe('true');
    }
    expect(await ratings(s.sessionId)).toEqual([4]);

    // A new key is new feedback; the used key with other feedback is refused, naming the header.
    expect((await feedback({ ...s, rating: 2 }, '9b2e7c1d-rating-0002')).statusCode).toBe(204);
    const reused = await feedback({ ...s, rating: 5 }, '9b2e7c1d-rating-0001');
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error).toMatchObject({ field: 'Idempotency-Key' });
    expect(await ratings(s.sessionId)).toEqual([4, 2]);

    // Without a key each request is stored, as before.
    await feedback({ ...s, rating: 3 });
    await feedback({ ...s, rating: 3 });
    expect(await ratings(s.sessionId)).toEqual([4, 2, 3, 3]);
  });

  it('sent twice at once is stored once', async () => {
    const s = await conversation('fb-idem-2');
    const both = await Promise.all([
      feedback({ ...s, thumbs: 'down' }, '4d0f8a6b-thumbs-0001'),
      feedback({ ...s, thumbs: 'down' }, '4d0f8a6b-thumbs-0001'),
    ]);
    expect(both.map((r) => r.statusCode)).toEqual([204, 204]);
    expect(await h.db.prisma.feedback.count({ where: { conversation: { sessionId: s.sessionId } } })).toBe(1);
  });

  it('refuses a key that is not one, and a session token of no conversation, as before', async () => {
    const s = await conversation('fb-idem-3');
    const bad = await feedback({ ...s, rating: 4 }, 'short');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ field: 'Idempotency-Key' });
    const unknown = await feedback({ ...s, sessionToken: 'x'.repeat(43), rating: 4 }, '7a1b2c3d-rating-0001');
    expect(unknown.statusCode).toBe(404);
    expect(await ratings(s.sessionId)).toEqual([]);
  });
});
