import { generateCorpus } from '@acsa/corpus';
import { signCustomerToken } from '../../apps/serving/src/auth/customer-token.ts';
import type { TChatTurn } from './chat-client.ts';
import type { TOrderRef } from './setup.ts';

/** One scripted turn; `expect`, where set, is what a correct reply must match (state kept across turns). */
export type TScriptTurn = { text: string; expect?: RegExp };
export type TConversation = {
  kind: string;
  sessionId: string;
  /** The token the server issued on the first turn; sent with every later one. */
  sessionToken?: string;
  customerToken?: string;
  turns: TScriptTurn[];
  next: number;
};

const FAQ = [
  'what is your refund policy?',
  'is there a fee if I cancel my order?',
  'which payment methods do you accept?',
  'what shipping options do you have?',
  'how long does delivery take?',
  'how do I reset my password?',
];
const OUT_OF_SCOPE = [
  'what is the capital of mongolia',
  'recommend me a good pizza recipe with pineapple',
  'who won the football game last night',
  'can you write me a poem about the sea',
];
const GREETINGS = ['hi', 'hello', 'hey there', 'good morning'];
const CLOSERS = ['thanks', 'thank you!', 'ok thanks, bye', 'great, thanks'];

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type TKind = {
  name: string;
  weight: number;
  build: () => Omit<TConversation, 'sessionId' | 'next' | 'kind'>;
};

/**
 * An endless, deterministic supply of conversations in a realistic mix: guests tracking an order through
 * number and email verification, signed-in customers (customerToken) asking about their own orders,
 * cancellations answered "no", FAQ questions, out-of-scope turns that escalate, requests for a person,
 * and free text from a bootstrap-style corpus of another seed (mostly unseen phrasings, so the NLU cache
 * misses as it would on real traffic; the scripted phrasings hit it).
 */
export function conversationSource(options: {
  orders: { trackable: TOrderRef[]; cancellable: TOrderRef[] };
  tokenSecret: string;
  seed?: number;
}): () => TConversation {
  const random = mulberry32(options.seed ?? 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const corpus = generateCorpus({ seed: 1_000 + (options.seed ?? 7), perIntent: 120 }).map((r) => r.text);
  // Tokens are signed once per customer: the shop would hand the widget one per page view, not per turn.
  const tokens = new Map<string, string>();
  const token = (customerId: string) => {
    let t = tokens.get(customerId);
    if (!t) {
      t = signCustomerToken(options.tokenSecret, customerId, 24 * 3600);
      tokens.set(customerId, t);
    }
    return t;
  };
  const { trackable, cancellable } = options.orders;

  const kinds: TKind[] = [
    {
      name: 'track-guest',
      weight: 25,
      build: () => {
        const o = pick(trackable);
        return {
          turns: [
            { text: pick(GREETINGS) },
            { text: 'where is my order?', expect: /order number/i },
            { text: `it's ${o.number}`, expect: /email/i },
            { text: o.email, expect: new RegExp(String(o.number)) },
            { text: pick(CLOSERS) },
          ],
        };
      },
    },
    {
      name: 'track-signed-in',
      weight: 15,
      build: () => {
        const o = pick(trackable);
        return {
          customerToken: token(o.customerId),
          turns: [
            { text: `where is my order ${o.number}?`, expect: new RegExp(String(o.number)) },
            { text: pick(CLOSERS) },
          ],
        };
      },
    },
    {
      name: 'cancel-then-no',
      weight: 10,
      build: () => {
        const o = pick(cancellable);
        return {
          customerToken: token(o.customerId),
          turns: [
            { text: `I want to cancel order ${o.number}`, expect: /\?/ },
            { text: 'no', expect: /not cancel|won't cancel|keep|stays|left/i },
            { text: pick(CLOSERS) },
          ],
        };
      },
    },
    { name: 'faq', weight: 20, build: () => ({ turns: [{ text: pick(FAQ) }, { text: pick(FAQ) }] }) },
    {
      name: 'out-of-scope',
      weight: 8,
      build: () => ({
        turns: [
          { text: OUT_OF_SCOPE[0] as string },
          { text: OUT_OF_SCOPE[1] as string, expect: /person|colleague|team/i },
          { text: pick(CLOSERS) },
        ],
      }),
    },
    {
      name: 'ask-for-person',
      weight: 4,
      build: () => ({
        turns: [
          { text: 'I want to talk to a real person', expect: /person|colleague|team/i },
          { text: pick(CLOSERS) },
        ],
      }),
    },
    {
      name: 'free-text',
      weight: 18,
      build: () => ({ turns: [{ text: pick(corpus) }, { text: pick(corpus) }, { text: pick(corpus) }] }),
    },
  ];
  // Cumulative weights: a uniform draw below bound[i] and above bound[i - 1] picks kind i.
  const bounds = kinds.map((_, i) => kinds.slice(0, i + 1).reduce((s, k) => s + k.weight, 0));
  const totalWeight = bounds[bounds.length - 1] ?? 1;
  let serial = 0;
  const run = Date.now().toString(36);
  return () => {
    const r = random() * totalWeight;
    const kind = kinds[bounds.findIndex((b) => r < b)] ?? (kinds[0] as TKind);
    return { kind: kind.name, sessionId: `bench-${run}-${++serial}`, next: 0, ...kind.build() };
  };
}

export const turnOf = (c: TConversation): TChatTurn => ({
  sessionId: c.sessionId,
  ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
  text: (c.turns[c.next] as TScriptTurn).text,
  ...(c.customerToken ? { customerToken: c.customerToken } : {}),
});
