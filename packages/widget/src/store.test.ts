import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore, freshConversation, IDLE_MS, type TSaved } from './store.ts';

// The store against a localStorage of its own (a Map): what a later page load, or the next person at a shared
// computer, would find.
let kept: Map<string, string>;
beforeEach(() => {
  kept = new Map();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => kept.get(k) ?? null,
    setItem: (k: string, v: string) => kept.set(k, v),
    removeItem: (k: string) => kept.delete(k),
  });
});
afterEach(() => vi.unstubAllGlobals());

const KEY = 'acsa-widget:test';
const now = Date.parse('2025-06-01T12:00:00Z');
const guest = (lastActive?: number): TSaved => ({
  ...freshConversation(null, true),
  sessionToken: 'tok-of-the-guest',
  messages: [
    { from: 'user', text: 'where is my order 10042?' },
    { from: 'agent', text: 'It is on its way: tracking 1Z999.' },
  ],
  ...(lastActive === undefined ? {} : { lastActive }),
});

describe('a conversation kept in the browser', () => {
  it('comes back on the next page while it is recent', () => {
    const store = createStore(KEY);
    store.save(guest(now - 5 * 60_000));
    expect(store.read(now)?.messages).toHaveLength(2);
    expect(store.read(now)?.sessionToken).toBe('tok-of-the-guest');
  });

  it("is dropped, transcript and token, once serving's session lifetime has passed, and not left stored", () => {
    const store = createStore(KEY);
    store.save(guest(now - IDLE_MS - 1));
    const read = store.read(now);
    expect(read?.messages).toEqual([]);
    expect(read?.sessionToken).toBeUndefined();
    expect(kept.get(KEY)).not.toContain('10042');
    expect(kept.get(KEY)).not.toContain('tok-of-the-guest');
  });

  it('saved before the widget kept the time, is kept on upgrade with its message on the way, then expires', () => {
    const store = createStore(KEY);
    const pending = { text: 'and the return?', shown: 'and the return?', key: 'k-1' };
    store.save({ ...guest(), pending });
    expect(store.read(now)?.messages).toHaveLength(2);
    expect(store.read(now + 10 * 60_000)?.pending).toEqual(pending);
    // Its time taken as the upgrade's, once: idle from then on, it goes like any other.
    expect(store.read(now + IDLE_MS + 1)?.messages).toEqual([]);
    expect(kept.get(KEY)).not.toContain('10042');
  });

  it('is handed back as stored whoever it belongs to: the widget, not the store, decides whose it is', () => {
    const store = createStore(KEY);
    store.save({ ...guest(now), customer: 'cust-alex' });
    expect(store.read(now)?.customer).toBe('cust-alex');
    expect(store.read(now)?.messages).toHaveLength(2);
  });
});
