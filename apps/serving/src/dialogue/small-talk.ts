import type { TOutcome, TTurnContext } from './context.ts';
import { firstName, pick } from './format.ts';

export function smallTalk(ctx: TTurnContext, intent: string): TOutcome {
  const t = ctx.state.turn;
  const name = ctx.customer ? `, ${firstName(ctx.customer.name)}` : '';
  ctx.actions.push(`smalltalk:${intent}`);
  if (intent === 'goodbye') {
    ctx.state.awaiting = null;
    ctx.state.pendingIntent = null;
    return {
      reply: pick(t, [
        `Thanks for stopping by${name}. Have a great day!`,
        `Bye${name}! I'm here whenever you need me.`,
      ]),
    };
  }
  if (intent === 'thanks')
    return {
      reply: pick(t, [
        "You're welcome! Anything else I can do for you?",
        'Happy to help! Is there anything else?',
        'Any time! Let me know if you need anything else.',
      ]),
    };
  return {
    reply: pick(t, [
      `Hi${name}! I can help with your orders, deliveries, returns, payments and account. What can I do for you?`,
      `Hello${name}! Ask me about an order, a delivery, a refund or your account.`,
    ]),
  };
}
