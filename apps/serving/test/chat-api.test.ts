import { QUEUES } from '@acsa/pipelines';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signCustomerToken } from '../src/auth/customer-token.ts';
import { API_KEY, type Harness, startServing, storefront, TOKEN_SECRET } from './harness.ts';

let h: Harness;
let alex: { id: string; email: string };
let session = 0;
const newSession = () => `s-${Date.now().toString(36)}-${++session}`;

let shop: ReturnType<typeof storefront>;
const chat = (sessionId: string, text: string, extra: { customerToken?: string } = {}) =>
  shop.chat(sessionId, text, extra);

beforeAll(async () => {
  h = await startServing({ bundleDir: inject('bootstrapBundle') });
  shop = storefront(h.serving);
  alex = await h.db.prisma.customer.findFirstOrThrow({ where: { email: 'alex.morgan@example.com' } });
});
afterAll(() => h?.close());

describe('chat conversations against the seeded shop', () => {
  it('asks for the order number, then the email, then tells status, carrier, tracking and ETA', async () => {
    const s = newSession();
    const first = await chat(s, 'where is my order?');
    expect(first.intent).toBe('track_order');
    expect(first.reply).toMatch(/order number/i);
    const second = await chat(s, "it's 10042");
    expect(second.entities.some((e) => e.type === 'order_id' && e.value === '10042')).toBe(true);
    expect(second.reply).toMatch(/email/i);
    const third = await chat(s, 'alex.morgan@example.com');
    const order = await h.db.prisma.order.findUniqueOrThrow({
      where: { number: 10042 },
      include: { shipments: true },
    });
    expect(third.reply).toContain('10042');
    expect(third.reply).toContain(order.shipments[0]?.carrier ?? '?');
    expect(third.reply).toContain(order.shipments[0]?.trackingNumber ?? '?');
    expect(third.reply).toMatch(/estimated delivery/i);
  });

  it('skips the question when a signed-in customer gives the number in the first message', async () => {
    const token = signCustomerToken(TOKEN_SECRET, alex.id);
    const r = await chat(newSession(), 'where is my order 10042?', { customerToken: token });
    expect(r.reply).toMatch(/shipped/i);
    expect(r.reply).toMatch(/tracking number/i);
  });

  it("refuses another customer's order without revealing anything about it", async () => {
    const token = signCustomerToken(TOKEN_SECRET, alex.id);
    const other = await h.db.prisma.order.findFirstOrThrow({
      where: { customerId: { not: alex.id }, status: 'SHIPPED' },
      include: { shipments: true },
    });
    const r = await chat(newSession(), `where is my order ${other.number}?`, { customerToken: token });
    const missing = await chat(newSession(), 'where is my order 99999?', { customerToken: token });
    expect(r.reply).not.toMatch(/shipped|delivered|tracking/i);
    expect(r.reply).not.toContain(other.shipments[0]?.trackingNumber ?? '?');
    expect(r.reply.replace(String(other.number), 'N')).toBe(missing.reply.replace('99999', 'N'));
  });

  it('cancels an unshipped order after a confirmation, and offers a return for a shipped one', async () => {
    const paid = await h.db.prisma.order.findFirstOrThrow({
      where: { status: 'PAID' },
      include: { customer: true },
    });
    const token = signCustomerToken(TOKEN_SECRET, paid.customerId);
    const s = newSession();
    const ask = await chat(s, `I want to cancel order ${paid.number}`, { customerToken: token });
    expect(ask.intent).toBe('cancel_order');
    expect(ask.reply).toMatch(/\?/);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: paid.id } })).status).toBe('PAID');
    await chat(s, 'yes please', { customerToken: token });
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: paid.id } })).status).toBe('CANCELLED');

    const shipped = await chat(newSession(), 'cancel my order 10042', {
      customerToken: signCustomerToken(TOKEN_SECRET, alex.id),
    });
    expect(shipped.reply).toMatch(/can(no|')t be cancel|cannot cancel|already (been )?shipped/i);
    expect(shipped.reply).toMatch(/return/i);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { number: 10042 } })).status).toBe('SHIPPED');
  });

  it.each([
    ['what is your refund policy?', 'refund-policy'],
    ['is there a fee if I cancel my order?', 'cancellation-fee'],
    ['which payment methods do you accept?', 'payment-methods'],
    ['what shipping options do you have?', 'delivery-options'],
  ])('answers "%s" from the matching article', async (text, slug) => {
    const article = await h.db.prisma.article.findUniqueOrThrow({ where: { slug } });
    const r = await chat(newSession(), text);
    expect(r.reply).toContain(article.body.slice(0, 40));
  });

  it('escalates a request for a person with transcript, intents and customer context', async () => {
    const s = newSession();
    const token = signCustomerToken(TOKEN_SECRET, alex.id);
    await chat(s, 'where is my order 10042', { customerToken: token });
    const r = await chat(s, 'I want to talk to a real person', { customerToken: token });
    expect(r.escalated).toBe(true);
    expect(r.reply).toMatch(/person|colleague|team/i);
    const esc = await h.db.prisma.escalation.findUniqueOrThrow({ where: { id: r.escalationId ?? '' } });
    expect(esc.reason).toBe('REQUESTED');
    const context = JSON.stringify(esc.context);
    expect(context).toContain('where is my order 10042');
    expect(context).toContain('track_order');
    expect(context).toContain(alex.email);
  });

  it('escalates two out-of-scope turns in a row, not one', async () => {
    const s = newSession();
    const one = await chat(s, 'what is the capital of mongolia');
    expect(one.escalated).toBe(false);
    const two = await chat(s, 'recommend me a good pizza recipe with pineapple');
    expect(two.escalated).toBe(true);
    expect(await h.db.prisma.escalation.count({ where: { id: two.escalationId ?? '' } })).toBe(1);
  });

  it('stores every turn with its prediction before replying, and publishes it for analytics', async () => {
    const s = newSession();
    const r = await chat(s, 'hello there');
    const conv = await h.db.prisma.conversation.findFirstOrThrow({
      where: { sessionId: s },
      include: { messages: { orderBy: { seq: 'asc' } } },
    });
    expect(conv.messages.map((m) => m.role)).toEqual(['USER', 'AGENT']);
    const [user, agent] = conv.messages;
    expect(user?.intent).toBe(r.intent);
    expect(user?.confidence).toBeCloseTo(r.confidence, 5);
    expect(user?.modelVersionId).toBeTruthy();
    expect(user?.latencyMs).toBeGreaterThan(0);
    expect(agent?.text).toBe(r.reply);
    const connection = new Redis(h.redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUES.interactions, { connection, prefix: `${h.redis.prefix}bull` });
    const published = async () =>
      (await queue.getJobs(['waiting']))
        .flatMap((j) => j.data.events as { messageId: string }[])
        .find((e) => e.messageId === user?.id);
    // The event names the stored message; the customer's text stays in PostgreSQL.
    await expect.poll(published, { timeout: 3_000 }).toMatchObject({ version: 2, intent: r.intent });
    expect(await published()).not.toHaveProperty('text');
    await queue.close();
    connection.disconnect();
  });

  it('answers 409 to a message sent before the previous one of its session is answered, storing the other once', async () => {
    const s = newSession();
    const others = Array.from({ length: 6 }, () => newSession());
    const send = (sessionId: string, text: string) => shop.post(shop.turn(sessionId, text));
    await chat(s, 'hello');
    // Sent together, so they are written together: the loser must not take the other sessions down with it.
    const [a, b, ...rest] = await Promise.all([
      send(s, 'where is my order?'),
      send(s, 'what is your refund policy?'),
      ...others.map((o) => send(o, 'hello there')),
    ]);
    expect([a?.statusCode, b?.statusCode].sort()).toEqual([200, 409]);
    expect((a?.statusCode === 409 ? a : b)?.json().error.code).toBe('CONFLICT');
    expect(rest.map((r) => r.statusCode)).toEqual(others.map(() => 200));
    const winner = (a?.statusCode === 200 ? a : b)?.json();
    const conv = await h.db.prisma.conversation.findFirstOrThrow({
      where: { sessionId: s },
      include: { messages: { orderBy: { seq: 'asc' } } },
    });
    expect(conv.messages.map((m) => [m.role, m.seq])).toEqual([
      ['USER', 0],
      ['AGENT', 1],
      ['USER', 2],
      ['AGENT', 3],
    ]);
    expect(conv.messages[3]?.text).toBe(winner.reply);
    expect(await h.db.prisma.conversation.count({ where: { sessionId: { in: others } } })).toBe(6);
  });

  it('answers and stores a message cut mid-emoji (a lone surrogate) with U+FFFD in its place', async () => {
    const s = newSession();
    // Cut before the low half, as a storefront truncating by UTF-16 length does: the turn writer's jsonb
    // refused it, a 500 on every retry.
    const first = await shop.post({ sessionId: s, text: 'where is my order? \ud83d' });
    expect(first.statusCode, first.body).toBe(200);
    shop.tokens.set(s, first.json().sessionToken);
    const res = await h.serving.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: { authorization: `Bearer ${API_KEY}` },
      payload: { sessionId: s, sessionToken: shop.tokens.get(s), rating: 4, comment: 'ok \ude00 thanks' },
    });
    expect(res.statusCode, res.body).toBe(204);
    const conv = await h.db.prisma.conversation.findFirstOrThrow({
      where: { sessionId: s },
      include: { messages: { orderBy: { seq: 'asc' } }, feedback: true },
    });
    expect(conv.messages[0]?.text).toBe('where is my order? \ufffd');
    expect(conv.feedback[0]?.comment).toBe('ok \ufffd thanks');
  });

  it('stores feedback for the conversation', async () => {
    const s = newSession();
    await chat(s, 'thanks for the help');
    const res = await h.serving.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: { authorization: `Bearer ${API_KEY}` },
      payload: { sessionId: s, sessionToken: shop.tokens.get(s), rating: 5, thumbs: 'up' },
    });
    expect(res.statusCode).toBe(204);
    const fb = await h.db.prisma.feedback.findFirstOrThrow({ where: { conversation: { sessionId: s } } });
    expect([fb.rating, fb.thumbs]).toEqual([5, true]);
  });
});
