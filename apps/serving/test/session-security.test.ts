import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signCustomerToken } from '../src/auth/customer-token.ts';
import { API_KEY, type Harness, startServing, type TChatReply, TOKEN_SECRET } from './harness.ts';

// Over real HTTP, as a storefront (or someone who learnt a sessionId) would call it.
let h: Harness;
let base: string;
let alex: { id: string; email: string };
let bea: { id: string; email: string };
let secrets: string[];

async function post(body: Record<string, unknown>): Promise<TChatReply> {
  const res = await fetch(`${base}/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as TChatReply;
}

/** Everything stored for a session id: its messages and its escalations' contexts and summaries. */
async function storedFor(sessionId: string, conversationIdOf: (c: { id: string }) => boolean) {
  const convs = await h.db.prisma.conversation.findMany({
    where: { sessionId },
    include: { messages: true, escalations: true },
  });
  return JSON.stringify(convs.filter(conversationIdOf));
}

const leaks = (text: string) => secrets.filter((s) => text.includes(s));

beforeAll(async () => {
  h = await startServing({ bundleDir: inject('bootstrapBundle') });
  base = await h.serving.app.listen({ port: 0, host: '127.0.0.1' });
  const order = await h.db.prisma.order.findUniqueOrThrow({
    where: { number: 10042 },
    include: { customer: true, shipments: true },
  });
  alex = order.customer;
  bea = await h.db.prisma.customer.findFirstOrThrow({ where: { id: { not: alex.id } } });
  const shipment = order.shipments[0];
  if (!shipment?.trackingNumber) throw new Error('the seeded order 10042 has no shipment');
  // What the holder of 10042's conversation is told, and nobody else may be.
  secrets = [shipment.trackingNumber, shipment.carrier, alex.email];
});
afterAll(() => h?.close());

describe('a conversation is continued only by the holder of its sessionToken', () => {
  it('(a) a request with the sessionId but not the sessionToken gets nothing of the verified order', async () => {
    const sessionId = 'shared-session-1';
    const first = await post({ sessionId, text: 'where is my order 10042?' });
    expect(first.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    const owner = await post({ sessionId, sessionToken: first.sessionToken, text: alex.email });
    expect(owner.reply).toContain(secrets[0]);

    const intruder = await post({ sessionId, text: 'where is my order 10042?' });
    expect(intruder.sessionToken).not.toBe(first.sessionToken);
    expect(leaks(intruder.reply)).toEqual([]);
    expect(intruder.reply).toMatch(/email/i);
    // A made-up token is no better than none.
    const guessed = await post({ sessionId, sessionToken: 'A'.repeat(43), text: 'track my order please' });
    expect(leaks(guessed.reply)).toEqual([]);
    const handover = await post({
      sessionId,
      sessionToken: intruder.sessionToken,
      text: 'I want to talk to a person',
    });
    expect(handover.escalated).toBe(true);
    const ownConversation = await h.db.prisma.conversation.findFirstOrThrow({
      where: { messages: { some: { text: alex.email } } },
    });
    const intruderStored = await storedFor(sessionId, (c) => c.id !== ownConversation.id);
    expect(intruderStored).toContain('I want to talk to a person');
    expect(leaks(intruderStored)).toEqual([]);

    // (c) The holder goes on where it left off, without being asked for the email again.
    const again = await post({ sessionId, sessionToken: first.sessionToken, text: 'where is my order?' });
    expect(again.sessionToken).toBe(first.sessionToken);
    expect(again.reply).toContain(secrets[0]);
  });

  it("(b) customer A's session continued with customer B's token shows B nothing of A's", async () => {
    const sessionId = 'shared-device-1';
    const asAlex = signCustomerToken(TOKEN_SECRET, alex.id);
    const asBea = signCustomerToken(TOKEN_SECRET, bea.id);
    const a = await post({ sessionId, customerToken: asAlex, text: 'where is my order 10042?' });
    expect(a.reply).toContain(secrets[0]);

    const b = await post({
      sessionId,
      sessionToken: a.sessionToken,
      customerToken: asBea,
      text: 'where is my order?',
    });
    expect(b.sessionToken).not.toBe(a.sessionToken);
    expect(leaks(b.reply)).toEqual([]);
    expect(b.reply).toMatch(/order number/i);
    const handover = await post({
      sessionId,
      sessionToken: b.sessionToken,
      customerToken: asBea,
      text: 'I want to talk to a person',
    });
    expect(handover.escalated).toBe(true);
    const escalation = await h.db.prisma.escalation.findUniqueOrThrow({
      where: { id: handover.escalationId ?? '' },
      include: { conversation: { include: { messages: true } } },
    });
    expect(leaks(JSON.stringify(escalation))).toEqual([]);
    expect(escalation.conversation.customerId).toBe(bea.id);

    // (c) A, holding its token, continues normally.
    const back = await post({
      sessionId,
      sessionToken: a.sessionToken,
      customerToken: asAlex,
      text: 'where is it now?',
    });
    expect(back.sessionToken).toBe(a.sessionToken);
    expect(back.reply).toContain(secrets[0]);
  });
});

describe('order-number guessing across sessions', () => {
  const guess = async (session: string, n: number, email: string) => {
    const ask = await post({ sessionId: session, text: `where is my order ${n}?` });
    return post({ sessionId: session, sessionToken: ask.sessionToken, text: email });
  };

  it('refuses the fourth wrong email for one order over four sessions, as for a missing order; the signed-in owner still gets it', async () => {
    const replies = async (n: number) => {
      const out: string[] = [];
      for (let i = 1; i <= 4; i++)
        out.push((await guess(`guess-${n}-${i}`, n, `nobody${i}@example.net`)).reply);
      return out.map((r) => r.replaceAll(String(n), 'N'));
    };
    const real = await replies(10042);
    const missing = await replies(99_999);
    expect(real).toEqual(missing);
    expect(real[2]).toBe(real[0]); // three refusals alike
    expect(real[3]).not.toBe(real[0]); // the fourth: refused before any lookup
    expect(real[3]).toMatch(/can't look up more orders/i);
    // Even the right email is refused now, from a fresh session...
    expect(leaks((await guess('guess-owner-anon', 10042, alex.email)).reply)).toEqual([]);
    // ...but the owner, signed in through the shop, still gets through.
    const owner = await post({
      sessionId: 'guess-owner-signed-in',
      customerToken: signCustomerToken(TOKEN_SECRET, alex.id),
      text: 'where is my order 10042?',
    });
    expect(owner.reply).toContain(secrets[0]);
  });
});
