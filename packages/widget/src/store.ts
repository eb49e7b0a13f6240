import { randomHex } from './random.ts';

/** The conversation kept across page loads (localStorage), so a shopper who navigates keeps talking. */

export type TMessage = {
  from: 'user' | 'agent' | 'system';
  text: string;
  links?: { title: string; url: string }[];
};

export type TSaved = {
  sessionId: string;
  sessionToken?: string;
  /** Who the conversation belongs to (the customer token's subject); another one starts afresh. */
  customer: string | null;
  messages: TMessage[];
  quickReplies: { label: string; text: string }[];
  escalated: boolean;
  /**
   * The message every attempt failed to send while serving was away: offered as "Send again", with the
   * key it was sent with, so that an attempt serving did answer is not answered twice.
   */
  unsent?: { text: string; shown: string; key: string } | null;
  /**
   * The message on its way, saved before it is sent: one still here when a page loads was not answered on
   * the page that sent it (left meanwhile), and is sent again with its key.
   */
  pending?: { text: string; shown: string; key: string } | null;
  /** The feedback prompts: thumbs asked, then the 1–5 satisfaction score asked, then done. */
  rating: 'asked' | 'csat' | 'given' | null;
  open: boolean;
  /** When the shopper last sent or was answered (ms since the epoch): an idle conversation is dropped. */
  lastActive?: number;
};

const KEEP = 60;

/**
 * Serving's default session lifetime (`SESSION_TTL_SECONDS`, 1,800 s, apps/serving/src/env.ts, used by
 * apps/serving/src/chat/session-store.ts). After it, serving would start a new conversation anyway, so the
 * transcript and token kept here only let the next person at a shared computer read what a guest verified
 * (an order, an email). A shop that raises the setting still loses nothing serving would have continued
 * within these 30 minutes; one that lowers it is told "your earlier conversation had ended" as before.
 */
export const IDLE_MS = 30 * 60_000;

const newSessionId = () => `w-${Date.now().toString(36)}-${randomHex(8)}`;

export const freshConversation = (customer: string | null, open = false): TSaved => ({
  sessionId: newSessionId(),
  customer,
  messages: [],
  quickReplies: [],
  escalated: false,
  rating: null,
  open,
});

/** A stored value as the widget wrote it, or null (none, or not JSON: another script's, or cut short). */
export function parseSaved(raw: string | null): TSaved | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as TSaved;
  } catch {
    return null;
  }
}

/** Idle past IDLE_MS (one without the time is stamped by `read` first). */
export const expired = (s: TSaved, now = Date.now()) =>
  s.messages.length > 0 && typeof s.lastActive === 'number' && now - s.lastActive >= IDLE_MS;

export function createStore(storageKey: string) {
  const store = {
    /**
     * The stored conversation, whoever it belongs to (the caller compares `customer`), or null. An expired
     * one comes back emptied of its transcript, token and pending messages, for the same customer.
     */
    read(now = Date.now()): TSaved | null {
      let saved: TSaved | null = null;
      try {
        saved = parseSaved(localStorage.getItem(storageKey));
      } catch {
        // Storage blocked (private mode, a sandboxed frame): as if nothing were kept.
      }
      if (!saved) return null;
      // Saved before the widget kept the time: taken as active now, once, and stored so. Dropping it lost the
      // upgrade's conversations, the message still on its way from the last page included; from here on it
      // expires like any other.
      if (saved.messages.length > 0 && typeof saved.lastActive !== 'number') {
        saved = { ...saved, lastActive: now };
        store.save(saved);
      }
      if (!expired(saved, now)) return saved;
      // Written over at once, not when the next message is: until then it would still be in the browser.
      const fresh = freshConversation(saved.customer, saved.open);
      store.save(fresh);
      return fresh;
    },
    save(state: TSaved): void {
      try {
        localStorage.setItem(storageKey, JSON.stringify({ ...state, messages: state.messages.slice(-KEEP) }));
      } catch {
        // Storage full or blocked (private mode): the conversation lasts as long as the page.
      }
    },
  };
  return store;
}

/** The subject a customer token names, read without verifying it (serving verifies it). */
export function customerOf(token: string | null): string | null {
  if (!token) return null;
  try {
    const payload = token.split('.')[0] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return String((JSON.parse(json) as { sub?: unknown }).sub ?? 'unknown');
  } catch {
    return 'unknown';
  }
}
