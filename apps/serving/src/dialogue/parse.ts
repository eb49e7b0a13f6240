import type { TEntity } from '../turn/types.ts';

/** What one message adds to the slots, from the entities NLU found and, where asked for, the raw text. */
export type TTurnSlots = { orderNumber?: number; email?: string; invoiceNumber?: string; product?: string };

const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}/i;
const NUMBER = /(?:^|[^\d\w])#?(\d{3,10})(?![\d\w])/;
const INVOICE = /\bINV-\d{4}-\d{3,}\b/i;

const digits = (s: string) => {
  const d = s.replace(/\D/g, '');
  return d ? Number(d) : undefined;
};

export function slotsFromEntities(entities: TEntity[]): TTurnSlots {
  const out: TTurnSlots = {};
  for (const e of entities) {
    if (e.type === 'order_id' && out.orderNumber === undefined) out.orderNumber = digits(e.value);
    else if (e.type === 'email' && !out.email && EMAIL.test(e.value))
      out.email = e.value.trim().toLowerCase();
    else if (e.type === 'invoice_id' && !out.invoiceNumber) out.invoiceNumber = e.value.trim().toUpperCase();
    else if (e.type === 'product' && !out.product) out.product = e.value.trim();
  }
  return out;
}

export const emailIn = (text: string) => text.match(EMAIL)?.[0].toLowerCase();

/** A bare number ("it's 10042", "#10042"), read only while the agent waits for an order number. */
export function orderNumberIn(text: string): number | undefined {
  const m = text.replace(EMAIL, ' ').replace(INVOICE, ' ').match(NUMBER);
  return m?.[1] ? Number(m[1]) : undefined;
}

export const invoiceIn = (text: string) => text.match(INVOICE)?.[0].toUpperCase();

const NO = new Set("no nope nah not dont don't never keep stop wait nevermind negative".split(' '));
const YES = new Set(
  'yes yeah yep yup ya yea sure ok okay confirm confirmed go absolutely definitely correct please do y affirmative'.split(
    ' ',
  ),
);

/**
 * Reads a yes/no answer. Checked before the model's intent while a confirmation is pending: a short "yes"
 * is often classified as something odd. "No" words win ("no, don't cancel" must not cancel).
 */
export function yesNo(text: string): 'yes' | 'no' | null {
  const words =
    text
      .toLowerCase()
      .replace(/[’]/g, "'")
      .match(/[a-z']+/g) ?? [];
  if (words.some((w) => NO.has(w)) || /\bnever ?mind\b/i.test(text)) return 'no';
  if (words.some((w) => YES.has(w))) return 'yes';
  return null;
}
