import type { TOrderView } from '../knowledge/types.ts';
import type {
  TCustomerRef,
  TDialogueState,
  TEntity,
  TEscalationReason,
  TTurnDecision,
  TUnderstanding,
} from '../turn/types.ts';
import type { TTurnContext } from './context.ts';
import { money, pick } from './format.ts';

const WHY: Record<TEscalationReason, string> = {
  REQUESTED: 'asked to talk to a person',
  COMPLAINT: 'made a complaint',
  LOW_CONFIDENCE: 'was not understood twice in a row',
  OUT_OF_SCOPE: 'asked twice in a row about something outside the shop',
  LOOKUP_FAILED: 'needed something the agent could not look up',
  POLICY: 'needs a decision the agent may not make',
};

/** What the customer reads when the conversation goes to a person. */
export function escalationReply(reason: TEscalationReason, turn: number): string {
  if (reason === 'COMPLAINT')
    return "I'm sorry about this. I've passed your complaint and our conversation to the team: a person will follow up with you, usually within 2 business days.";
  if (reason === 'REQUESTED')
    return pick(turn, [
      "Of course. I've handed our conversation to the support team, and a person will follow up with you shortly.",
      "Sure, I'm passing you to a colleague. They can see everything we've said, and a person will follow up with you shortly.",
    ]);
  if (reason === 'LOOKUP_FAILED')
    return "Sorry, I can't look that up right now. I've passed your question to our team, and a person will follow up with you.";
  return "I'm sorry I couldn't help with that. I've passed our conversation to the support team, and a person will follow up with you.";
}

/**
 * Asked when a conversation goes to a person who would have no way to answer: a guest who gave no email.
 * The widget cannot receive a person's reply, so the team writes by email; the answer reaches the reviewer
 * in the conversation's transcript.
 */
export const ASK_CONTACT = 'So they can reach you, what email address should they write to?';

export type TEscalationContext = {
  reason: TEscalationReason;
  turn: number;
  /** The conversation's recent history, ending with this turn's reply. */
  transcript: TDialogueState['history'];
  /** The intents of the customer's messages, in order. */
  intents: string[];
  /** This turn's entities. */
  entities: TEntity[];
  topK: TUnderstanding['topK'];
  customer:
    | NonNullable<TCustomerRef>
    | { anonymous: true; email: string | null; emailVerified: boolean; verifiedOrders: number[] };
  order: ReturnType<typeof compactOrder> | null;
};

const compactOrder = (o: TOrderView) => ({
  number: o.number,
  status: o.status,
  total: money(o.totalCents, o.currency),
  placedAt: o.placedAt,
  items: o.items,
  shipment: o.shipment && {
    carrier: o.shipment.carrier,
    trackingNumber: o.shipment.trackingNumber,
    status: o.shipment.status,
    eta: o.shipment.eta,
  },
  refunds: o.refunds.map((r) => ({ status: r.status, amount: money(r.amountCents, r.currency) })),
});

/**
 * The hand-over a person reads: one paragraph first, then the transcript, intents, entities and the
 * customer and order. The order is included only when this conversation proved it may see it.
 * Called after the turn's reply is in `state.history`, so the transcript ends with it.
 */
export async function buildEscalation(
  ctx: TTurnContext,
  reason: TEscalationReason,
): Promise<NonNullable<TTurnDecision['escalation']>> {
  const { state, customer } = ctx;
  const n = state.slots.orderNumber;
  let order: TOrderView | null = null;
  if (n != null && state.verifiedOrders.includes(n)) {
    // Best effort: a failed lookup must not stop the hand-over (it may be why we escalate).
    order = await ctx.knowledge.orderByNumber(n).catch(() => null);
  }
  const intents = state.history.filter((h) => h.role === 'user' && h.intent).map((h) => h.intent as string);
  const who = customer
    ? `${customer.name} (${customer.email}, signed in)`
    : `An anonymous shopper${state.slots.email && order ? ` (verified as ${state.slots.email})` : ''}`;
  const orderLine = order
    ? ` Order ${order.number}: ${order.status.toLowerCase()}, ${money(order.totalCents, order.currency)}${
        order.shipment ? `, ${order.shipment.carrier} ${order.shipment.trackingNumber}` : ''
      }.`
    : '';
  const topics = [...new Set(intents)].join(', ') || 'none recognised';
  const summary = `${who} ${WHY[reason]} on turn ${state.turn}. Topics: ${topics}.${orderLine} Last message: "${ctx.u.text.slice(0, 300)}"`;
  const context: TEscalationContext = {
    reason,
    turn: state.turn,
    transcript: state.history,
    intents,
    entities: ctx.u.entities,
    topK: ctx.u.topK,
    customer: customer ?? {
      anonymous: true,
      email: state.slots.email ?? null,
      // True when that email matched an order in this conversation.
      emailVerified: state.slots.email != null && state.verifiedOrders.length > 0,
      verifiedOrders: state.verifiedOrders,
    },
    order: order ? compactOrder(order) : null,
  };
  return { reason, summary, context };
}
