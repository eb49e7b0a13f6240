import type { TOutcome, TTurnContext } from './context.ts';
import { escalationReply } from './escalation.ts';
import { pick } from './format.ts';
import { policyOf } from './intents.ts';

/** Two unsure turns in a row go to a person; one alone gets a clarifying question. */
export const UNSURE_LIMIT = 2;

/** The topics of the model's best in-shop guesses (of its first three), for "is it about A or B?". */
function guesses(ctx: TTurnContext): string[] {
  const out: string[] = [];
  for (const { intent } of ctx.u.topK.slice(0, 3)) {
    const p = policyOf(intent);
    if (!p || p.kind === 'smalltalk' || p.kind === 'out_of_scope' || out.includes(p.topic)) continue;
    out.push(p.topic);
    if (out.length === 2) break;
  }
  return out;
}

/** A turn the model was unsure of, or one outside the shop. */
export function unsurePolicy(ctx: TTurnContext): TOutcome {
  const { state, u } = ctx;
  const outOfScope = u.outOfScope || u.intent === 'out_of_scope';
  state.unsureStreak += 1;
  if (state.unsureStreak >= UNSURE_LIMIT) {
    state.unsureStreak = 0;
    state.awaiting = null;
    state.pendingIntent = null;
    if (state.escalated) {
      ctx.actions.push('already_escalated');
      return {
        reply: "Sorry, I didn't get that either. A person already has our conversation and will follow up.",
      };
    }
    const reason = outOfScope ? 'OUT_OF_SCOPE' : 'LOW_CONFIDENCE';
    return { reply: escalationReply(reason, state.turn), escalate: reason };
  }
  ctx.actions.push('clarify');
  if (state.awaiting === 'order_number')
    return {
      reply:
        "Sorry, I didn't catch an order number. It's the number in your order confirmation email: what is it?",
    };
  if (state.awaiting === 'order_email')
    return { reply: 'To show the order I need the email address it was placed with. What is it?' };
  if (outOfScope)
    return {
      reply: pick(state.turn, [
        "I'm the shop's assistant, so I can only help with orders, deliveries, returns, payments and your account. What can I do for you there?",
        "That's outside what I can help with, I'm afraid. I can help with your orders, deliveries, returns, payments and account.",
      ]),
    };
  const [a, b] = guesses(ctx);
  if (a && b) return { reply: `Sorry, I'm not sure I understood. Is it about ${a} or ${b}?` };
  if (a) return { reply: `Sorry, I'm not sure I understood. Is it about ${a}?` };
  return {
    reply:
      "Sorry, I'm not sure I understood. Could you put it another way? I can help with orders, deliveries, returns, payments and your account.",
  };
}
