import type { TEscalationView } from '@acsa/pipelines/escalations';
// Relative, as the unit tests (no Next.js alias) import this file.
import { utc } from '../../components/format';

/** What serving stored at hand-over, as the card reads it (older escalations may lack any of it). */
export type TEscalationContext = {
  intents?: string[];
  entities?: { type: string; value: string }[];
  topK?: { intent: string; confidence?: number; p?: number }[];
  order?: { number?: number; status?: string; total?: string } | null;
  customer?: { email?: string | null; name?: string } | null;
};

export const contextOf = (e: TEscalationView) => e.context as TEscalationContext;

/** An enum as words: `CANCELLED` → `Cancelled`, `OUT_OF_SCOPE` → `Out of scope`. */
export const asWords = (raw: string) => {
  const words = raw.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * Who the card is about: the signed-in customer, the email they gave (at the hand-over, or after it when
 * asked where the team can write), or nobody known.
 */
export const customerLabel = (e: TEscalationView) =>
  e.customer?.name ?? contextOf(e).customer?.email ?? e.contactEmail ?? 'Anonymous customer';

/**
 * Who resolved it and when. An escalation closed outside the queue (by a script, or before resolvers were
 * kept) has no resolver: it then says only "resolved", never a made-up name.
 */
export const resolvedLine = (e: TEscalationView) =>
  `resolved${e.assignee ? ` by ${e.assignee.name}` : ''} ${utc(e.resolvedAt)}`;

/**
 * The top intents the model saw, each with its confidence, said as such once: a bare "100 %" read as a
 * share of something else. A confidence under 1 % is noise a person need not read (it would print as
 * "0 %"), so it is left out.
 */
export function intentsLine(ctx: TEscalationContext): string {
  const top = (ctx.topK ?? [])
    .map((k) => ({ intent: k.intent, p: k.confidence ?? k.p }))
    .filter((k) => typeof k.p !== 'number' || k.p >= 0.01)
    .slice(0, 3);
  const line = top
    .map((k) => (typeof k.p === 'number' ? `${k.intent} ${Math.round(k.p * 100)} %` : k.intent))
    .join(', ');
  if (line) return top.some((k) => typeof k.p === 'number') ? `${line} (the model's confidence)` : line;
  return (ctx.intents ?? []).join(', ') || 'none';
}
