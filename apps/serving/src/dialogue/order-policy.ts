import type { TLookupSubject } from '../auth/lookup-guard.ts';
import type { TOrderView } from '../knowledge/types.ts';
import type { TOutcome, TTurnContext } from './context.ts';
import { faqPolicy } from './faq-policy.ts';
import { pick } from './format.ts';
import {
  cancelledReply,
  cannotCancelReply,
  changeReply,
  confirmCancelReply,
  invoiceReply,
  refundRequestReply,
  refundStatusReply,
  trackReply,
} from './order-replies.ts';

/** After this many failed ownership checks a session may look up no more orders: number guessing. */
export const MAX_FAILED_CHECKS = 3;
const MAX_VERIFIED = 20;

const ASK_NUMBER: Record<string, readonly string[]> = {
  track_order: [
    "Sure, I'll check. What's your order number? You'll find it in your order confirmation email.",
    'Happy to look it up. What is the order number? It is in your confirmation email.',
  ],
  cancel_order: ["I can help with that. What's the number of the order you'd like to cancel?"],
  track_refund: ["Let me check your refund. What's the order number it's for?"],
};
const ASK_NUMBER_DEFAULT = ["Which order is it? Tell me the order number and I'll look it up."];

const HINT: Record<string, string> = {
  get_refund: " If you tell me the order number, I'll check what's possible for it.",
  check_invoice: " Tell me the order number and I'll look up its invoice.",
  get_invoice: " Tell me the order number and I'll look up its invoice.",
  change_order: " If you tell me the order number, I'll check whether it can still be changed.",
  change_shipping_address: " If you tell me the order number, I'll check whether it can still be changed.",
};

const sameEmail = (a: string, b: string | undefined) =>
  b != null && a.trim().toLowerCase() === b.trim().toLowerCase();

const returnArticle = (ctx: TTurnContext) => ctx.knowledge.articleFor('get_refund', 'return refund label');
/** Shipped or delivered: too late to cancel or change, time to return. */
const onItsWayOrThere = (o: TOrderView) => o.status === 'SHIPPED' || o.status === 'DELIVERED';

/** Asks to confirm cancelling a not-yet-shipped order; the next turn's yes/no decides. */
function askToCancel(ctx: TTurnContext, o: TOrderView, reply: string): TOutcome {
  ctx.state.awaiting = 'cancel_confirmation';
  ctx.state.pendingIntent = 'cancel_order';
  ctx.state.slots.orderId = o.id;
  ctx.actions.push('cancel_confirmation_asked');
  return { reply };
}

const HANDLERS: Record<string, (ctx: TTurnContext, o: TOrderView) => Promise<TOutcome>> = {
  async track_order(ctx, o) {
    ctx.actions.push('order_status');
    return { reply: trackReply(o, ctx.now, ctx.state.turn) };
  },
  async cancel_order(ctx, o) {
    if (o.status === 'PENDING' || o.status === 'PAID')
      return askToCancel(ctx, o, confirmCancelReply(o, ctx.state.turn));
    ctx.actions.push('cancel_refused');
    const article = onItsWayOrThere(o) ? await returnArticle(ctx) : null;
    if (article) ctx.actions.push(`article:${article.slug}`);
    return { reply: cannotCancelReply(o, ctx.now, article) };
  },
  async track_refund(ctx, o) {
    ctx.actions.push('refund_status');
    const howTo = o.refunds.length === 0 && onItsWayOrThere(o) ? await returnArticle(ctx) : null;
    return { reply: refundStatusReply(o, ctx.now, howTo) };
  },
  async get_refund(ctx, o) {
    const reply = refundRequestReply(o, ctx.now, onItsWayOrThere(o) ? await returnArticle(ctx) : null);
    if (o.status === 'PENDING' || o.status === 'PAID') return askToCancel(ctx, o, reply);
    ctx.actions.push('refund_options');
    return { reply };
  },
  async check_invoice(ctx, o) {
    ctx.actions.push('invoice');
    return { reply: invoiceReply(o, ctx.now) };
  },
  async change_order(ctx, o) {
    ctx.actions.push('order_change_options');
    return { reply: changeReply(o, 'order', await ctx.knowledge.articleFor('change_order', ctx.u.text)) };
  },
  async change_shipping_address(ctx, o) {
    ctx.actions.push('order_change_options');
    const article = await ctx.knowledge.articleFor('change_shipping_address', ctx.u.text);
    return { reply: changeReply(o, 'address', article) };
  },
};
HANDLERS.get_invoice = HANDLERS.check_invoice!;

/**
 * The same reply whether the order does not exist or is someone else's: a shopper must not learn that
 * an order number exists, let alone its status. Counts towards the failed-check limit either way.
 */
function refuse(ctx: TTurnContext, intent: string, label: string): TOutcome {
  const { state } = ctx;
  state.slots.failedChecks = (state.slots.failedChecks ?? 0) + 1;
  delete state.slots.orderNumber;
  delete state.slots.invoiceNumber;
  if (!ctx.customer) delete state.slots.email;
  ctx.actions.push('order_not_verified');
  if (state.slots.failedChecks >= MAX_FAILED_CHECKS) return locked(ctx);
  state.awaiting = 'order_number';
  state.pendingIntent = intent;
  return {
    reply: ctx.customer
      ? `I couldn't find ${label} on your account. Could you check the number? It's in your order confirmation email.`
      : `I couldn't find ${label} with that email address. Could you check both? The order number is in your order confirmation email.`,
  };
}

/**
 * What a failed check counts against: a signed-in customer is vouched for by the shop and counted as
 * itself (so a guesser's lock on an order never keeps its owner out); an anonymous shopper, against the
 * order (or invoice) number and the email given for it.
 */
function lookupSubjects(
  ctx: TTurnContext,
  number: number | undefined,
  invoice: string | undefined,
): TLookupSubject[] {
  if (ctx.customer) return [{ kind: 'customer', id: ctx.customer.id }];
  const subjects: TLookupSubject[] = [
    number != null ? { kind: 'order', number } : { kind: 'invoice', number: invoice as string },
  ];
  if (ctx.state.slots.email) subjects.push({ kind: 'email', email: ctx.state.slots.email });
  return subjects;
}

function locked(ctx: TTurnContext): TOutcome {
  ctx.state.awaiting = null;
  ctx.state.pendingIntent = null;
  ctx.actions.push('order_checks_locked');
  return {
    reply:
      "For your security I can't look up more orders in this chat. Please sign in to see your orders, or ask me for a person and they'll help.",
  };
}

/**
 * Intents about one order: find which order (this message, else the conversation's), make sure this
 * shopper may see it (signed-in owner, or order number + the order's email), then act on it.
 */
export async function orderPolicy(ctx: TTurnContext, intent: string, need: 'required' | 'optional') {
  const { state, found, knowledge } = ctx;
  const verified = (n: number | undefined) => n != null && state.verifiedOrders.includes(n);
  let number = found.orderNumber;
  let invoice = number == null ? found.invoiceNumber : undefined;
  if (number == null && invoice == null) {
    // An optional intent only reuses an order this conversation has already opened.
    if (need === 'required' || verified(state.slots.orderNumber)) number = state.slots.orderNumber;
    if (number == null && need === 'required') invoice = state.slots.invoiceNumber;
  }
  if (number == null && invoice == null) {
    if (need === 'optional') return faqPolicy(ctx, intent, HINT[intent]);
    state.awaiting = 'order_number';
    state.pendingIntent = intent;
    ctx.actions.push('ask_order_number');
    return { reply: pick(state.turn, ASK_NUMBER[intent] ?? ASK_NUMBER_DEFAULT) };
  }
  if (number != null) {
    state.slots.orderNumber = number;
    delete state.slots.invoiceNumber;
  } else state.slots.invoiceNumber = invoice;
  const label = number != null ? `order ${number}` : `invoice ${invoice}`;

  if (!verified(number) && (state.slots.failedChecks ?? 0) >= MAX_FAILED_CHECKS) return locked(ctx);
  // Ask for the email before any lookup, so the question itself says nothing about the order.
  if (!ctx.customer && !verified(number) && !state.slots.email) {
    state.awaiting = 'order_email';
    state.pendingIntent = intent;
    ctx.actions.push('ask_order_email');
    return {
      reply: pick(state.turn, [
        `Thanks! To keep order details private, what's the email address ${label} was placed with?`,
        `Got it. To make sure it's yours, which email address did you use for ${label}?`,
      ]),
    };
  }
  // Counted across sessions too, before any lookup: the same answer whether the order exists or not.
  const subjects = verified(number) ? [] : lookupSubjects(ctx, number, invoice);
  if (subjects.length > 0 && (await ctx.guard.isLocked(subjects))) return locked(ctx);
  const order =
    number != null
      ? await knowledge.orderByNumber(number)
      : await knowledge.orderByInvoice(invoice as string);
  const mayView =
    order != null &&
    (verified(order.number) ||
      (ctx.customer ? order.customerId === ctx.customer.id : sameEmail(order.email, state.slots.email)));
  if (!order || !mayView) {
    await ctx.guard.recordFailure(subjects);
    return refuse(ctx, intent, label);
  }

  if (!verified(order.number))
    state.verifiedOrders = [...state.verifiedOrders, order.number].slice(-MAX_VERIFIED);
  state.slots.orderNumber = order.number;
  delete state.slots.invoiceNumber;
  state.awaiting = null;
  state.pendingIntent = null;
  ctx.actions.push(`order_lookup:${order.number}`);
  const handler = HANDLERS[intent] ?? HANDLERS.track_order!;
  return handler(ctx, order);
}

/** The answer to "shall I cancel it?". */
export async function answerCancelConfirmation(ctx: TTurnContext, answer: 'yes' | 'no'): Promise<TOutcome> {
  const { state } = ctx;
  const orderId = state.slots.orderId;
  const number = state.slots.orderNumber;
  state.awaiting = null;
  state.pendingIntent = null;
  delete state.slots.orderId;
  if (answer === 'no') {
    ctx.actions.push('cancel_declined');
    return { reply: `No problem, order ${number} stays as it is. Anything else I can do for you?` };
  }
  if (!orderId) {
    state.awaiting = 'order_number';
    state.pendingIntent = 'cancel_order';
    return { reply: 'Which order should I cancel? Tell me its order number.' };
  }
  const result = await ctx.knowledge.cancelOrder(orderId);
  if (result.cancelled) {
    ctx.actions.push('order_cancelled');
    return { reply: cancelledReply(result) };
  }
  // Shipped (or cancelled elsewhere) since the question was asked.
  ctx.actions.push('cancel_refused');
  const order = result.number != null ? await ctx.knowledge.orderByNumber(result.number) : null;
  if (!order)
    return { reply: `Sorry, I couldn't cancel order ${number}. A person can look into it if you ask me.` };
  const article = onItsWayOrThere(order) ? await returnArticle(ctx) : null;
  return { reply: cannotCancelReply(order, ctx.now, article) };
}
