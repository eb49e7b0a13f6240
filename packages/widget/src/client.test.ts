import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createClient, type TClientOptions, type TConnection } from './client.ts';

// The client against a scripted serving: each attempt of a request takes the next answer (the last one
// repeats), and what the widget sent is kept to look at. `hang` is an attempt nobody answers (a stalled
// connection): it ends only when the attempt's own signal gives up on it.
type TScripted = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang' | 'down';
type TSent = { url: string; key: string | null; body: unknown };

function serving(script: TScripted[]) {
  const sent: TSent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push({
      url,
      key: new Headers(init.headers).get('idempotency-key'),
      body: JSON.parse(String(init.body)),
    });
    const next = script[Math.min(sent.length, script.length) - 1];
    if (next === 'down') throw new TypeError('Failed to fetch');
    if (next === 'hang' || next === undefined)
      return new Promise<Response>((_, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const text = typeof next.body === 'string' ? next.body : JSON.stringify(next.body ?? null);
    return new Response(next.status === 204 ? null : text, { status: next.status, headers: next.headers });
  });
  return sent;
}

function client(o: Partial<TClientOptions> = {}) {
  const states: TConnection[] = [];
  const c = createClient({
    apiUrl: 'http://serving.test',
    apiKey: 'acsa_pk_test',
    onConnection: (s) => states.push(s),
    firstDelayMs: 1,
    maxDelayMs: 2,
    maxAttempts: 4,
    ...o,
  });
  return { c, states };
}

const turn = { sessionId: 'w-test', text: 'where is my order 10042?' };
const reply = { sessionToken: 'tok', reply: 'It is on its way.', intent: 'order_status', escalated: false };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e as ApiError,
  );

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('a message serving keeps refusing for now', () => {
  it("ends, once the attempts run out on 429, with serving's own words, not 'cannot be reached'", async () => {
    const busy = {
      status: 429,
      body: {
        error: { code: 'RATE_LIMITED', message: "this session's limit of 10 messages a minute is reached" },
      },
      headers: { 'retry-after': '0' },
    };
    const sent = serving([busy]);
    const { c, states } = client();
    const e = await failure(c.chat(turn, 'k'.repeat(32)));
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.message]).toEqual([429, "this session's limit of 10 messages a minute is reached"]);
    // Serving was there all along: it is busy, never "reconnecting" or "offline".
    expect(states).not.toContain('reconnecting');
    expect(states).not.toContain('offline');
    expect(states.at(-1)).toBe('online');
    expect(sent.map((s) => s.key)).toEqual(Array(4).fill('k'.repeat(32)));
  });

  it('says serving is busy when a 409 or 429 came without words, and is not offline', async () => {
    serving([{ status: 409, body: '' }]);
    const { c, states } = client();
    const e = await failure(c.chat(turn));
    expect([e.status, e.message]).toEqual([409, 'support is busy; try again in a moment']);
    expect(states).toEqual(['online']);
  });
});

describe('an attempt nobody answers', () => {
  it('is given up after its timeout and tried again with the same key, then answered', async () => {
    const sent = serving(['hang', 'hang', { status: 200, body: reply }]);
    const { c, states } = client({ attemptTimeoutMs: 30 });
    expect(await c.chat(turn, 'same-key-0123456789')).toEqual(reply);
    expect(sent.map((s) => s.key)).toEqual(Array(3).fill('same-key-0123456789'));
    expect(states).toEqual(['reconnecting', 'reconnecting', 'online']);
  }, 2_000);

  it('ends, when every attempt stalls, as a message not sent (offline), not a Send button disabled for minutes', async () => {
    const sent = serving(['hang']);
    const { c, states } = client({ attemptTimeoutMs: 30, maxAttempts: 3 });
    const e = await failure(c.chat(turn));
    expect([e.status, e.message]).toEqual([0, 'the support service did not answer in time']);
    expect(sent).toHaveLength(3);
    expect(states.at(-1)).toBe('offline');
  }, 2_000);

  it('ends a message whose attempts all stall once its time budget is spent, not after every attempt', async () => {
    const sent = serving(['hang']);
    const { c, states } = client({ attemptTimeoutMs: 300, maxAttempts: 12, budgetMs: 150 });
    const started = Date.now();
    const e = await failure(c.chat(turn));
    expect([e.status, e.message]).toEqual([0, 'the support service did not answer in time']);
    // One attempt, given its own timeout, then no other: not 12 of them.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sent).toHaveLength(1);
    expect(states.at(-1)).toBe('offline');
  }, 3_000);

  it('stops retrying a network that stays down once the next wait would pass the budget', async () => {
    const sent = serving(['down']);
    const { c, states } = client({ firstDelayMs: 40, maxDelayMs: 40, maxAttempts: 100, budgetMs: 200 });
    const e = await failure(c.chat(turn));
    expect([e.status, e.message]).toEqual([0, 'the support service cannot be reached']);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.length).toBeLessThan(10);
    expect(states.at(-1)).toBe('offline');
  }, 2_000);

  it('ends a stalled attempt in a browser without AbortSignal.timeout, and tries again', async () => {
    const timeout = Object.getOwnPropertyDescriptor(AbortSignal, 'timeout');
    Object.defineProperty(AbortSignal, 'timeout', { value: undefined, configurable: true });
    try {
      const sent = serving(['hang', { status: 200, body: reply }]);
      const { c } = client({ attemptTimeoutMs: 30 });
      expect(await c.chat(turn, 'old-browser-0123456789')).toEqual(reply);
      expect(sent).toHaveLength(2);
    } finally {
      if (timeout) Object.defineProperty(AbortSignal, 'timeout', timeout);
    }
  }, 2_000);

  it('asks again for an answer whose body was cut off, instead of taking it as empty', async () => {
    const sent = serving([
      { status: 200, body: '{"sessionToken":"to' },
      { status: 200, body: reply },
    ]);
    const { c } = client();
    expect(await c.chat(turn, 'cut-off-0123456789')).toEqual(reply);
    expect(sent.map((s) => s.key)).toEqual(['cut-off-0123456789', 'cut-off-0123456789']);
  });
});

describe('feedback', () => {
  it('carries an Idempotency-Key, the same on its retries and a new one per rating', async () => {
    const sent = serving(['down', { status: 503 }, { status: 204 }]);
    const { c } = client();
    const rating = { sessionId: 'w-test', sessionToken: 'tok', thumbs: 'down' as const };
    await c.feedback(rating);
    const first = sent.map((s) => s.key);
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(1);
    expect(first[0]).toMatch(/^[0-9a-f]{32}$/);
    await c.feedback({ ...rating, rating: 4 });
    expect(sent.at(-1)?.key).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.at(-1)?.key).not.toBe(first[0]);
  });
});

describe('the waits between attempts', () => {
  /** The waits the client asked for, taken at once. */
  function waits() {
    const asked: number[] = [];
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms: number) => {
      asked.push(ms);
      fn();
      return 0;
    }) as typeof setTimeout);
    return asked;
  }

  it('are jittered: between half the doubled backoff and all of it', async () => {
    serving([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: reply }]);
    const asked = waits();
    const draws = [0, 0.5, 0.999];
    const { c } = client({ firstDelayMs: 1000, maxDelayMs: 8000, random: () => draws.shift() ?? 0 });
    await c.chat(turn);
    expect(asked).toEqual([500, 1000 + 500, 2000 + 0.999 * 2000]);
  });

  it('are never shorter than a Retry-After says, jittered above it', async () => {
    const busy = { status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '3' } };
    serving([busy, busy, { status: 200, body: reply }]);
    const asked = waits();
    const { c } = client({ firstDelayMs: 1000, maxDelayMs: 8000, random: () => 0.5 });
    await c.chat(turn);
    expect(asked).toEqual([3000 + 250, 3000 + 500]);
  });
});
