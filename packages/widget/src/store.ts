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
};

const KEEP = 60;

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

export function createStore(storageKey: string) {
  const read = (): TSaved | null => {
    try {
      const raw = localStorage.getItem(storageKey);
      return raw ? (JSON.parse(raw) as TSaved) : null;
    } catch {
      return null;
    }
  };
  return {
    load: (customer: string | null): TSaved => {
      const saved = read();
      return saved && saved.customer === customer ? saved : freshConversation(customer, saved?.open);
    },
    save(state: TSaved): void {
      try {
        localStorage.setItem(storageKey, JSON.stringify({ ...state, messages: state.messages.slice(-KEEP) }));
      } catch {
        // Storage full or blocked (private mode): the conversation lasts as long as the page.
      }
    },
  };
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
