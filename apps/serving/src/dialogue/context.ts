import type { TLookupGuard } from '../auth/lookup-guard.ts';
import type { TKnowledge } from '../knowledge/types.ts';
import type { TCustomerRef, TDialogueState, TEscalationReason, TUnderstanding } from '../turn/types.ts';
import type { TTurnSlots } from './parse.ts';

export type TTurnInput = {
  understanding: TUnderstanding;
  state: TDialogueState;
  customer: TCustomerRef;
  knowledge: TKnowledge;
  /** Failed ownership checks across sessions (order number guessing); bound to the turn's API key. */
  guard: TLookupGuard;
  /** The clock that dates in replies are relative to ("tomorrow"); the current time by default. */
  now?: Date;
};

/** One turn being decided: policies change `state` (a copy) and add to `actions`. */
export type TTurnContext = {
  u: TUnderstanding;
  state: TDialogueState;
  customer: TCustomerRef;
  knowledge: TKnowledge;
  guard: TLookupGuard;
  now: Date;
  /** What this message itself says: order number, email, invoice, product. */
  found: TTurnSlots;
  actions: string[];
};

export type TOutcome = { reply: string; escalate?: TEscalationReason };
