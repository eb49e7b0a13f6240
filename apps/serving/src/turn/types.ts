/**
 * The contract between the HTTP layer (auth, NLU, persistence, events) and the dialogue engine (state,
 * policy, knowledge, replies). The engine is transport-free: given what NLU understood and the session's
 * state, it decides what to say and do, and may read or change the shop through `TKnowledge`.
 */

export type TEntity = { type: string; value: string; start: number; end: number };

/** What the model (plus entity extraction) made of one customer message. */
export type TUnderstanding = {
  text: string;
  /** Best in-scope intent, or 'out_of_scope'. */
  intent: string;
  confidence: number;
  topK: { intent: string; confidence: number }[];
  outOfScope: boolean;
  lowConfidence: boolean;
  entities: TEntity[];
};

/** Who is talking: known from a signed customer token, or anonymous (must verify order number + email). */
export type TCustomerRef = { id: string; email: string; name: string } | null;

/** Dialogue state carried across turns (Redis with a TTL, checkpointed in Conversation.state). */
export type TDialogueState = {
  /** The conversation row; created on the first turn. */
  conversationId?: string;
  /**
   * sha256 of the server-issued session token that continues this conversation (see chat/session-token.ts):
   * a turn without it, whatever its sessionId, never sees this state.
   */
  sessionTokenHash?: string;
  /**
   * The signed-in customer this conversation belongs to (null: anonymous). A turn naming another customer,
   * or none, starts a conversation of its own: verified orders, slots and the transcript stay with this one.
   */
  customerId?: string | null;
  turn: number;
  /**
   * The question the agent asked last and is waiting an answer for; `contact_email`: where a person, handed
   * the conversation, can write to.
   */
  awaiting?: 'order_number' | 'order_email' | 'cancel_confirmation' | 'address' | 'contact_email' | null;
  /** Which intent the pending question serves (e.g. track_order while asking for the number). */
  pendingIntent?: string | null;
  /** Slots filled so far. */
  slots: {
    orderNumber?: number;
    email?: string;
    /** An invoice number the customer quoted, until it is resolved to its order. */
    invoiceNumber?: string;
    /** The order a pending cancel confirmation is about. */
    orderId?: string;
    /** Failed ownership checks this session: after a few, no more order lookups (number guessing). */
    failedChecks?: number;
    [k: string]: unknown;
  };
  /** Orders this session has proven it may see (customer token or number + email). */
  verifiedOrders: number[];
  /** Consecutive low-confidence or out-of-scope turns: two in a row escalate. */
  unsureStreak: number;
  escalated?: boolean;
  /** Intents of previous turns, most recent last (for the escalation context). */
  history: { role: 'user' | 'agent'; text: string; intent?: string | null }[];
};

export type TEscalationReason =
  | 'REQUESTED'
  | 'COMPLAINT'
  | 'LOW_CONFIDENCE'
  | 'OUT_OF_SCOPE'
  | 'LOOKUP_FAILED'
  | 'POLICY';

export type TTurnDecision = {
  reply: string;
  state: TDialogueState;
  /** Set when this turn hands the conversation to a person. */
  escalation?: { reason: TEscalationReason; summary: string; context: Record<string, unknown> };
  /** What the agent did, for logs and analytics (e.g. 'order_lookup', 'order_cancelled', 'article:refund-policy'). */
  actions: string[];
  /** The FAQ and policy articles the reply draws on, for links to them. */
  articles: { slug: string; title: string }[];
};

export const initialState = (): TDialogueState => ({
  turn: 0,
  awaiting: null,
  pendingIntent: null,
  slots: {},
  verifiedOrders: [],
  unsureStreak: 0,
  history: [],
});

/** The shop lookups a turn may use (see knowledge/). */
export type { TKnowledge } from '../knowledge/types.ts';
