import type { PrismaClient } from '@acsa/db';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTENT_NAMES } from '../../../../packages/corpus/src/intents.ts';
import { seedDemoShop } from '../../../../prisma/seed/seed.ts';
import { createLookupGuards } from '../auth/lookup-guard.ts';
import { createPool } from '../db/pool.ts';
import { createKnowledge } from '../knowledge/create-knowledge.ts';
import type { TKnowledge } from '../knowledge/types.ts';
import {
  initialState,
  type TCustomerRef,
  type TDialogueState,
  type TEntity,
  type TTurnDecision,
  type TUnderstanding,
} from '../turn/types.ts';
import type { TEscalationContext } from './escalation.ts';
import { decideTurn, HISTORY_LIMIT, POLICIES } from './index.ts';

const NOW = new Date('2026-11-20T00:00:00Z');
const MISSING = 99_999;

/** What NLU would hand over; entities are given explicitly, as the extractor would find them. */
function say(text: string, intent: string, options: Partial<TUnderstanding> = {}): TUnderstanding {
  const oos = intent === 'out_of_scope';
  return {
    text,
    intent,
    confidence: 0.93,
    topK: [{ intent, confidence: 0.93 }],
    outOfScope: oos,
    lowConfidence: false,
    entities: [],
    ...options,
  };
}
const entity = (text: string, type: string, value: string): TEntity => {
  const start = text.toLowerCase().indexOf(value.toLowerCase());
  return { type, value, start, end: start + value.length };
};
const aboutOrder = (text: string, intent: string, n: number) =>
  say(text, intent, { entities: [entity(text, 'order_id', String(n))] });
const unsure = (text: string, topK: [string, number][]) =>
  say(text, topK[0]![0], {
    confidence: topK[0]![1],
    topK: topK.map(([intent, confidence]) => ({ intent, confidence })),
    lowConfidence: true,
  });

describe('decideTurn against the seeded shop', () => {
  let db: TestDatabase;
  let cache: TestRedis;
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let knowledge: TKnowledge;
  let alex: NonNullable<TCustomerRef>;
  let othersOrder: number;

  // Each conversation counts its failed checks apart, unless a test shares a guard on purpose.
  let guardSpace = 0;
  const freshGuard = () => createLookupGuards(cache.redis, `${cache.prefix}guard:${++guardSpace}:`)('key-1');

  async function converse(
    customer: TCustomerRef,
    turns: TUnderstanding[],
    start = initialState(),
    guard = freshGuard(),
  ) {
    const out: TTurnDecision[] = [];
    let state: TDialogueState = start;
    for (const understanding of turns) {
      const d = await decideTurn({ understanding, state, customer, knowledge, guard, now: NOW });
      out.push(d);
      state = d.state;
    }
    return out;
  }
  const customerRef = async (customerId: string) => {
    const c = await prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    return { id: c.id, email: c.email, name: c.name };
  };

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServiceUrls();
    [db, cache] = await Promise.all([createTestDatabase(databaseUrl), createTestRedis(redisUrl)]);
    prisma = db.prisma;
    pool = createPool(db.url, 4);
    await seedDemoShop(prisma, { seed: 42, now: NOW, customers: 300, orders: 1000 });
    knowledge = createKnowledge({ pool, redis: cache.redis });
    const demo = await prisma.order.findUniqueOrThrow({ where: { number: 10042 } });
    alex = await customerRef(demo.customerId);
    const other = await prisma.order.findFirstOrThrow({
      where: { customerId: { not: alex.id }, status: 'SHIPPED' },
    });
    othersOrder = other.number;
  }, 60_000);
  afterAll(async () => {
    await cache?.cleanup();
    await pool?.end();
    await db?.drop();
  });

  describe('where is my order', () => {
    it('asks for the number, then answers with status, carrier, tracking number and ETA', async () => {
      const [ask, answer] = await converse(alex, [
        say('where is my order?', 'track_order'),
        say("it's 10042", 'track_order', { lowConfidence: true, confidence: 0.31 }),
      ]);
      expect(ask!.reply).toMatch(/order number/i);
      expect(ask!.state.awaiting).toBe('order_number');
      expect(answer!.reply).toContain('10042');
      expect(answer!.reply).toMatch(/shipped/i);
      expect(answer!.reply).toContain('UPS');
      expect(answer!.reply).toContain('1Z0148360370768600');
      expect(answer!.reply).toContain('Sunday, November 22');
      expect(answer!.state.awaiting).toBeNull();
      expect(answer!.state.verifiedOrders).toEqual([10042]);
      expect(answer!.escalation).toBeUndefined();
    });

    it('skips the question when the first message has the number', async () => {
      const [d] = await converse(alex, [aboutOrder('where is order #10042?', 'track_order', 10042)]);
      expect(d!.reply).toContain('1Z0148360370768600');
      expect(d!.actions).toContain('order_lookup:10042');
    });

    it('asks an anonymous shopper for the email and accepts it in any case', async () => {
      const [ask, askEmail, answer] = await converse(null, [
        say('where is my order?', 'track_order'),
        say('10042', 'out_of_scope', { outOfScope: true, confidence: 0.2 }),
        say('ALEX.Morgan@Example.com', 'edit_account', { lowConfidence: true, confidence: 0.4 }),
      ]);
      expect(ask!.state.awaiting).toBe('order_number');
      expect(askEmail!.reply).toMatch(/email/i);
      expect(askEmail!.reply).not.toMatch(/UPS|shipped/i);
      expect(answer!.reply).toContain('1Z0148360370768600');
      expect(answer!.state.unsureStreak).toBe(0);
    });
  });

  describe("another customer's order", () => {
    const withoutNumber = (d: TTurnDecision, n: number) => ({
      reply: d.reply.replaceAll(String(n), 'N'),
      actions: d.actions.map((a) => a.replaceAll(String(n), 'N')),
      awaiting: d.state.awaiting,
      verified: d.state.verifiedOrders,
    });

    it('is refused to a signed-in customer exactly like an order that does not exist', async () => {
      const [theirs] = await converse(alex, [
        aboutOrder(`where is order ${othersOrder}`, 'track_order', othersOrder),
      ]);
      const [none] = await converse(alex, [aboutOrder(`where is order ${MISSING}`, 'track_order', MISSING)]);
      expect(withoutNumber(theirs!, othersOrder)).toEqual(withoutNumber(none!, MISSING));
      expect(theirs!.state.verifiedOrders).toEqual([]);
      expect(theirs!.reply).not.toMatch(/shipped|transit|UPS|FedEx|DHL|USPS|deliver/i);
    });

    it('is refused to an anonymous shopper with the wrong email, like a missing order', async () => {
      const flow = (n: number) => [
        aboutOrder(`where is order ${n}`, 'track_order', n),
        say(alex.email, 'edit_account', { entities: [entity(alex.email, 'email', alex.email)] }),
      ];
      const [, theirs] = await converse(null, flow(othersOrder));
      const [, none] = await converse(null, flow(MISSING));
      expect(withoutNumber(theirs!, othersOrder)).toEqual(withoutNumber(none!, MISSING));
      expect(theirs!.reply).not.toMatch(/shipped|transit|UPS|FedEx|DHL|USPS|deliver/i);
      expect(theirs!.state.slots.email).toBeUndefined();
    });

    it('stops looking orders up after three failed checks', async () => {
      const guesses = [MISSING, MISSING - 1, MISSING - 2, 10042].map((n) =>
        aboutOrder(`order ${n}`, 'track_order', n),
      );
      const turns = await converse(alex, [guesses[0]!, guesses[1]!, guesses[2]!]);
      expect(turns[2]!.actions).toContain('order_checks_locked');
      // Even a real order of this customer is not looked up now: the session is locked.
      const [after] = await converse(alex, [guesses[3]!], turns[2]!.state);
      expect(after!.reply).not.toContain('1Z0148360370768600');
    });

    it('counts wrong emails for one order across conversations: the fourth is refused, existing or not', async () => {
      const guard = freshGuard();
      const flow = (n: number, email: string) => [
        aboutOrder(`where is order ${n}`, 'track_order', n),
        say(email, 'edit_account', { entities: [entity(email, 'email', email)] }),
      ];
      const fourth = async (n: number) => {
        for (let i = 1; i <= 3; i++) {
          const [, refused] = await converse(null, flow(n, `guess${i}@example.net`), initialState(), guard);
          expect(refused!.actions).toContain('order_not_verified');
        }
        const [, last] = await converse(null, flow(n, 'guess4@example.net'), initialState(), guard);
        return last!;
      };
      const real = await fourth(othersOrder);
      const missing = await fourth(MISSING - 7);
      expect(real.actions).toContain('order_checks_locked');
      expect(real.reply.replaceAll(String(othersOrder), 'N')).toBe(
        missing.reply.replaceAll(String(MISSING - 7), 'N'),
      );
      // The right email now is refused too (locked before any lookup), but the signed-in owner gets through.
      const owner = await customerRef(
        (await prisma.order.findUniqueOrThrow({ where: { number: othersOrder } })).customerId,
      );
      const [, rightEmail] = await converse(null, flow(othersOrder, owner.email), initialState(), guard);
      expect(rightEmail!.actions).toContain('order_checks_locked');
      const [signedIn] = await converse(
        owner,
        [aboutOrder(`where is order ${othersOrder}`, 'track_order', othersOrder)],
        initialState(),
        guard,
      );
      expect(signedIn!.actions).toContain(`order_lookup:${othersOrder}`);
    });
  });

  describe('cancelling', () => {
    it('cancels an unshipped order after a yes the model misread, in the database', async () => {
      const order = await prisma.order.findFirstOrThrow({
        where: { status: 'PAID' },
        orderBy: { number: 'asc' },
      });
      const owner = await customerRef(order.customerId);
      const n = order.number;
      const [confirm] = await converse(owner, [aboutOrder(`please cancel order ${n}`, 'cancel_order', n)]);
      expect(confirm!.reply).toMatch(/cancel/i);
      expect(confirm!.reply).toMatch(/yes/i);
      expect(confirm!.state.awaiting).toBe('cancel_confirmation');
      expect((await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');

      const [done] = await converse(
        owner,
        [say('yes', 'greeting', { lowConfidence: true, confidence: 0.35 })],
        confirm!.state,
      );

      expect(done!.actions).toContain('order_cancelled');
      expect(done!.reply).toContain(`order ${n} is cancelled`);
      expect(done!.reply).toContain(`$${(order.totalCents / 100).toFixed(2)}`);
      const row = await prisma.order.findUniqueOrThrow({
        where: { id: order.id },
        include: { refunds: true },
      });
      expect(row.status).toBe('CANCELLED');
      expect(row.cancelledAt).not.toBeNull();
      expect(row.refunds.map((r) => [r.status, r.amountCents])).toEqual([['APPROVED', order.totalCents]]);

      // The next lookup sees the change at once: cancelling invalidated the cached order.
      const [after] = await converse(owner, [aboutOrder(`where is ${n}`, 'track_order', n)], done!.state);
      expect(after!.reply).toMatch(/cancelled/);
    });

    it('leaves the order alone on a no', async () => {
      const order = await prisma.order.findFirstOrThrow({
        where: { status: 'PENDING' },
        orderBy: { number: 'desc' },
      });
      const owner = await customerRef(order.customerId);
      const [, kept] = await converse(owner, [
        aboutOrder(`cancel ${order.number}`, 'cancel_order', order.number),
        say("no, don't", 'cancel_order'),
      ]);
      expect(kept!.actions).toContain('cancel_declined');
      expect((await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING');
    });

    it('refuses a shipped order and offers a return instead', async () => {
      const [d] = await converse(alex, [aboutOrder('cancel order 10042', 'cancel_order', 10042)]);
      expect(d!.reply).toMatch(/already shipped/);
      expect(d!.reply).toMatch(/return/i);
      expect(d!.reply).toContain('Return or refund');
      expect(d!.state.awaiting).toBeNull();
      expect((await prisma.order.findUniqueOrThrow({ where: { number: 10042 } })).status).toBe('SHIPPED');
    });
  });

  describe('policy questions', () => {
    it.each([
      ['check_refund_policy', 'what is your refund policy?', 'Refund policy', /30 days/],
      ['check_cancellation_fee', 'is there a fee to cancel?', 'Cancellation fees', /no fee/],
      ['check_payment_methods', 'can I pay with paypal?', 'Which payment methods do you accept?', /PayPal/],
      ['delivery_options', 'what shipping options are there', 'Shipping options and prices', /\$12\.99/],
      ['delivery_period', 'how long does delivery take', 'How long does delivery take?', /3–5 business days/],
      ['get_invoice', 'I need an invoice', 'How do I get an invoice?', /order number/],
      ['recover_password', 'I forgot my password', 'I forgot my password', /reset link/],
      [
        'newsletter_subscription',
        'unsubscribe me from the newsletter',
        'Newsletter subscription',
        /Unsubscribe/,
      ],
    ])('%s → the matching article', async (intent, text, title, body) => {
      const [d] = await converse(null, [say(text, intent)]);
      expect(d!.reply).toContain(title);
      expect(d!.reply).toMatch(body);
      expect(d!.escalation).toBeUndefined();
    });

    it('answers every intent of the taxonomy', async () => {
      expect(Object.keys(POLICIES).sort()).toEqual([...INTENT_NAMES].sort());
      for (const intent of INTENT_NAMES) {
        const [d] = await converse(alex, [say(`something about ${intent}`, intent)]);
        expect(d!.reply.length, intent).toBeGreaterThan(10);
      }
    });
  });

  describe('escalation', () => {
    it('hands over on request, with transcript, intents, entities, customer and the verified order', async () => {
      const turns = await converse(alex, [
        aboutOrder('where is 10042', 'track_order', 10042),
        say('I want to talk to a person', 'contact_human_agent'),
      ]);
      const d = turns[1]!;
      expect(d.reply).toMatch(/a person will follow up/);
      expect(d.escalation?.reason).toBe('REQUESTED');
      expect(d.escalation?.summary).toContain('Alex Morgan');
      expect(d.escalation?.summary).toContain('10042');
      const ctx = d.escalation!.context as TEscalationContext;
      expect(ctx.transcript).toHaveLength(4);
      expect(ctx.transcript.at(-1)).toEqual({ role: 'agent', text: d.reply });
      expect(ctx.intents).toEqual(['track_order', 'contact_human_agent']);
      expect(ctx.entities).toEqual([]);
      expect(ctx.customer).toEqual(alex);
      expect(ctx.order).toMatchObject({ number: 10042, status: 'SHIPPED', shipment: { carrier: 'UPS' } });
      expect(d.state.escalated).toBe(true);
    });

    it('escalates a complaint, and never puts an unverified order in the context', async () => {
      const text = `order ${othersOrder} arrived broken, this is unacceptable`;
      const [d] = await converse(null, [aboutOrder(text, 'complaint', othersOrder)]);
      expect(d!.escalation?.reason).toBe('COMPLAINT');
      expect(d!.reply).toMatch(/person will follow up/);
      const ctx = d!.escalation!.context as TEscalationContext;
      expect(ctx.order).toBeNull();
      expect(ctx.entities).toEqual([entity(text, 'order_id', String(othersOrder))]);
      expect(ctx.customer).toMatchObject({ anonymous: true });
    });

    it('clarifies one unsure turn with the top topics, and escalates the second in a row', async () => {
      const [first, second] = await converse(null, [
        unsure('the thing with the stuff', [
          ['track_refund', 0.31],
          ['delivery_period', 0.28],
          ['greeting', 0.1],
        ]),
        say('what is the weather on mars', 'out_of_scope', { confidence: 0.6 }),
      ]);
      expect(first!.escalation).toBeUndefined();
      expect(first!.reply).toContain('the status of a refund');
      expect(first!.reply).toContain('delivery times');
      expect(second!.escalation?.reason).toBe('OUT_OF_SCOPE');
      expect(second!.reply).toMatch(/person will follow up/);
      expect((second!.escalation!.context as TEscalationContext).intents).toEqual([
        'track_refund',
        'out_of_scope',
      ]);
    });

    it('does not escalate an unsure turn after a clear one', async () => {
      const turns = await converse(null, [
        unsure('hmm', [['review', 0.3]]),
        say('hello', 'greeting'),
        unsure('hmm again', [['review', 0.3]]),
      ]);
      expect(turns.map((t) => t.escalation)).toEqual([undefined, undefined, undefined]);
    });

    it('asks a guest who gave no email where the team can write, and takes the answer; a signed-in customer is not asked', async () => {
      const [handed, answered, later] = await converse(null, [
        say('I want to talk to a person', 'contact_human_agent'),
        say('sure, it is Sam.Lee@Example.com', 'greeting'),
        say('how long does delivery take', 'delivery_period'),
      ]);
      expect(handed!.escalation?.reason).toBe('REQUESTED');
      expect(handed!.reply).toMatch(
        /a person will follow up with you shortly\. So they can reach you, what email address should they write to\?$/,
      );
      expect(handed!.state.awaiting).toBe('contact_email');
      // The reviewer reads the question in the transcript the escalation carries.
      expect((handed!.escalation!.context as TEscalationContext).transcript.at(-1)?.text).toBe(handed!.reply);
      expect(answered!.reply).toBe(
        'Thank you: the team will write to sam.lee@example.com. They have our whole conversation.',
      );
      expect(answered!.escalation).toBeUndefined();
      expect(answered!.state.awaiting).toBeNull();
      // Asked once: what comes next is answered as usual.
      expect(later!.reply).not.toMatch(/email address/);

      const [signedIn] = await converse(alex, [say('I want to talk to a person', 'contact_human_agent')]);
      expect(signedIn!.reply).not.toMatch(/email address/);
      expect(signedIn!.state.awaiting).toBeNull();
      // A guest who gave an email earlier in the conversation is not asked again.
      const turns = await converse(null, [
        say('my email is sam@example.com', 'greeting'),
        say('I want to talk to a person', 'contact_human_agent'),
      ]);
      expect(turns[1]!.reply).not.toMatch(/email address/);
    });

    it('escalates when the shop cannot be read, and still answers', async () => {
      const down = new Error('connection refused');
      const broken: TKnowledge = {
        ...knowledge,
        orderByNumber: () => Promise.reject(down),
        articleFor: () => Promise.reject(down),
      };
      const d = await decideTurn({
        understanding: aboutOrder('where is 10042', 'track_order', 10042),
        state: initialState(),
        customer: alex,
        knowledge: broken,
        guard: freshGuard(),
        now: NOW,
      });
      expect(d.escalation?.reason).toBe('LOOKUP_FAILED');
      expect(d.reply).toMatch(/person will follow up/);
    });
  });

  it('greets, thanks and says goodbye by name', async () => {
    const [hi, thanks, bye] = await converse(alex, [
      say('hi', 'greeting'),
      say('thanks!', 'thanks'),
      say('bye', 'goodbye'),
    ]);
    expect(hi!.reply).toContain('Alex');
    expect(thanks!.reply).toMatch(/welcome|happy to help|any time/i);
    expect(bye!.reply).toMatch(/bye|great day/i);
  });

  it('keeps the history bounded', async () => {
    const turns = await converse(
      alex,
      Array.from({ length: 15 }, () => say('thanks', 'thanks')),
    );
    expect(turns.at(-1)!.state.history).toHaveLength(HISTORY_LIMIT);
    expect(turns.at(-1)!.state.turn).toBe(15);
  });

  it('still answers with Redis down', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    try {
      const uncached = createKnowledge({ pool, redis: dead });
      const turns = [say('where is my order?', 'track_order'), say('10042', 'track_order')];
      let state = initialState();
      const replies: string[] = [];
      for (const understanding of turns) {
        const d = await decideTurn({
          understanding,
          state,
          customer: alex,
          knowledge: uncached,
          guard: freshGuard(),
          now: NOW,
        });
        replies.push(d.reply);
        state = d.state;
      }
      expect(replies[1]).toContain('1Z0148360370768600');
      expect(uncached.stats().cacheHits).toBe(0);
    } finally {
      dead.disconnect();
    }
  });

  it('looks an order up in at most one round-trip, and none when cached', async () => {
    const n = othersOrder + 1;
    const owner = await customerRef(
      (await prisma.order.findUniqueOrThrow({ where: { number: n } })).customerId,
    );
    const before = knowledge.stats().dbQueries;
    await converse(owner, [aboutOrder(`where is ${n}`, 'track_order', n)]);
    expect(knowledge.stats().dbQueries - before).toBe(1);
    await converse(owner, [aboutOrder(`where is ${n}`, 'track_order', n)]);
    expect(knowledge.stats().dbQueries - before).toBe(1);
  });
});
