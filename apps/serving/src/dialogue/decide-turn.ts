import type { TDialogueState, TKnowledge, TTurnDecision } from '../turn/types.ts';
import type { TOutcome, TTurnContext, TTurnInput } from './context.ts';
import { ASK_CONTACT, buildEscalation, escalationReply } from './escalation.ts';
import { faqPolicy } from './faq-policy.ts';
import { policyOf } from './intents.ts';
import { answerCancelConfirmation, orderPolicy } from './order-policy.ts';
import { emailIn, invoiceIn, orderNumberIn, slotsFromEntities, yesNo } from './parse.ts';
import { smallTalk } from './small-talk.ts';
import { unsurePolicy } from './unsure-policy.ts';

/** Enough for a person to read the conversation's recent past; the state stays small in Redis. */
export const HISTORY_LIMIT = 20;

const copyState = (s: TDialogueState): TDialogueState => ({
  ...s,
  slots: { ...s.slots },
  verifiedOrders: [...s.verifiedOrders],
  history: [...s.history],
});

const isUnsure = (ctx: TTurnContext) =>
  ctx.u.outOfScope || ctx.u.lowConfidence || ctx.u.intent === 'out_of_scope' || !policyOf(ctx.u.intent);

async function byIntent(ctx: TTurnContext, intent: string): Promise<TOutcome> {
  const policy = policyOf(intent);
  if (!policy) return faqPolicy(ctx, intent);
  switch (policy.kind) {
    case 'order':
      return orderPolicy(ctx, intent, policy.order ?? 'optional');
    case 'faq':
      return faqPolicy(ctx, intent);
    case 'smalltalk':
      return smallTalk(ctx, intent);
    case 'escalate': {
      ctx.state.awaiting = null;
      ctx.state.pendingIntent = null;
      if (ctx.state.escalated) {
        ctx.actions.push('already_escalated');
        return {
          reply: askContactIfNone(
            ctx,
            "You're already in the queue: a person has our whole conversation and will follow up.",
          ),
        };
      }
      const reason = intent === 'complaint' ? 'COMPLAINT' : 'REQUESTED';
      return { reply: escalationReply(reason, ctx.state.turn), escalate: reason };
    }
    case 'out_of_scope':
      return unsurePolicy(ctx);
  }
}

/**
 * `reply`, and where a person handed this conversation can write when nobody told yet (neither a signed-in
 * customer's email nor one given here): the widget cannot receive a person's reply, so the team writes.
 */
function askContactIfNone(ctx: TTurnContext, reply: string): string {
  if (ctx.customer?.email ?? ctx.state.slots.email) return reply;
  ctx.state.awaiting = 'contact_email';
  return `${reply} ${ASK_CONTACT}`;
}

async function route(ctx: TTurnContext): Promise<TOutcome> {
  const { state, found, u } = ctx;
  const unsure = isUnsure(ctx);

  if (state.awaiting === 'contact_email') {
    // Asked once; anything else the customer says is answered as usual.
    state.awaiting = null;
    if (found.email) {
      ctx.actions.push('contact_email');
      return { reply: `Thank you: the team will write to ${found.email}. They have our whole conversation.` };
    }
  }

  if (state.awaiting === 'cancel_confirmation') {
    // Yes/no words first: the model often gives a bare "yes" an odd intent.
    const repeated = !unsure && u.intent === 'cancel_order' && found.orderNumber == null;
    const answer = yesNo(u.text) ?? (repeated ? 'yes' : null);
    if (answer) {
      state.unsureStreak = 0;
      return answerCancelConfirmation(ctx, answer);
    }
    if (unsure)
      return { reply: `Sorry, should I cancel order ${state.slots.orderNumber}? Please answer yes or no.` };
    // Something else entirely: the question lapses.
    state.awaiting = null;
    state.pendingIntent = null;
    delete state.slots.orderId;
  }

  // A pending question's answer resumes the intent that asked it, whatever the model made of "it's 10042".
  const answered =
    (state.awaiting === 'order_number' && (found.orderNumber != null || found.invoiceNumber != null)) ||
    (state.awaiting === 'order_email' && found.email != null);
  if (answered && state.pendingIntent) {
    state.unsureStreak = 0;
    return byIntent(ctx, state.pendingIntent);
  }
  if (unsure) return unsurePolicy(ctx);
  state.unsureStreak = 0;
  if (u.intent !== state.pendingIntent) {
    state.awaiting = null;
    state.pendingIntent = null;
  }
  return byIntent(ctx, u.intent);
}

/**
 * Decides one turn: what to say, what to do in the shop, and the next state. Transport-free: the HTTP
 * layer loads the state, calls this once per message, persists the turn and stores `state`.
 */
export async function decideTurn(input: TTurnInput): Promise<TTurnDecision> {
  const u = input.understanding;
  const state = copyState(input.state);
  state.turn += 1;
  const found = slotsFromEntities(u.entities);
  // Raw text is read only where the agent asked for that very thing: elsewhere a number may be a price.
  if (found.orderNumber == null && state.awaiting === 'order_number')
    found.orderNumber = orderNumberIn(u.text);
  found.invoiceNumber ??= invoiceIn(u.text);
  found.email ??= emailIn(u.text);
  if (found.email) state.slots.email = found.email;
  // Every article looked up for this turn is one its reply quotes or points to: the reply links to it.
  const articles = new Map<string, { slug: string; title: string }>();
  const knowledge: TKnowledge = {
    ...input.knowledge,
    articleFor: async (intent, text) => {
      const a = await input.knowledge.articleFor(intent, text);
      if (a) articles.set(a.slug, { slug: a.slug, title: a.title });
      return a;
    },
  };
  const ctx: TTurnContext = {
    u,
    state,
    customer: input.customer,
    knowledge,
    guard: input.guard,
    now: input.now ?? new Date(),
    found,
    actions: [],
  };

  let outcome: TOutcome;
  try {
    outcome = await route(ctx);
  } catch {
    // PostgreSQL unreachable or a query failed: the customer still gets an answer, and a person the case.
    ctx.actions.push('lookup_failed');
    outcome = state.escalated
      ? {
          reply:
            "Sorry, I can't look that up right now. A person already has our conversation and will follow up.",
        }
      : { reply: escalationReply('LOOKUP_FAILED', state.turn), escalate: 'LOOKUP_FAILED' };
  }

  if (outcome.escalate) outcome = { ...outcome, reply: askContactIfNone(ctx, outcome.reply) };

  state.history = [
    ...state.history,
    { role: 'user' as const, text: u.text, intent: u.intent },
    { role: 'agent' as const, text: outcome.reply },
  ].slice(-HISTORY_LIMIT);

  const decision: TTurnDecision = {
    reply: outcome.reply,
    state,
    actions: ctx.actions,
    articles: [...articles.values()],
  };
  if (outcome.escalate) {
    state.escalated = true;
    decision.escalation = await buildEscalation(ctx, outcome.escalate);
    ctx.actions.push(`escalated:${outcome.escalate}`);
  }
  return decision;
}
