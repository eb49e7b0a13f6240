import type { TArticleView } from '../knowledge/types.ts';
import type { TOutcome, TTurnContext } from './context.ts';
import { money, pick } from './format.ts';

const CLOSERS = ['', ' Anything else I can help with?', ' Can I help with anything else?'] as const;

/** An article as a reply: its title as the lead, then its body (they are written to be read whole). */
export const articleText = (a: TArticleView) => `${a.title}${/[?.!]$/.test(a.title) ? ' ' : ': '}${a.body}`;

async function productReply(ctx: TTurnContext, name: string): Promise<TOutcome | null> {
  const p = await ctx.knowledge.productByName(name);
  if (!p) return null;
  ctx.actions.push(`product:${p.sku}`);
  const stock =
    p.stock > 0
      ? "It's in stock: add it to your basket and select Checkout to order it."
      : "It's out of stock right now; select \"Notify me\" on its page and we'll email you when it's back.";
  return { reply: `The ${p.name} costs ${money(p.priceCents, p.currency)}. ${stock}` };
}

/**
 * Answers from the shop's FAQ and policies: the intent's own article, the customer's words choosing among
 * several. `hint` ends the reply (e.g. "tell me your order number and I'll check it").
 */
export async function faqPolicy(ctx: TTurnContext, intent: string, hint = ''): Promise<TOutcome> {
  if (intent === 'place_order' && ctx.found.product) {
    const product = await productReply(ctx, ctx.found.product);
    if (product) return product;
  }
  const article = await ctx.knowledge.articleFor(intent, ctx.u.text);
  if (!article) {
    ctx.actions.push('article_missing');
    return {
      reply: "I don't have an answer to that one yet, sorry. If you like, I can put you through to a person.",
    };
  }
  ctx.actions.push(`article:${article.slug}`);
  return { reply: `${articleText(article)}${hint || pick(ctx.state.turn, CLOSERS)}` };
}
