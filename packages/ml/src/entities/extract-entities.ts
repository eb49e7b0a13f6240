import { findAmounts } from './amount.ts';
import { findDates } from './dates.ts';
import { findEmails } from './email.ts';
import { findIds } from './ids.ts';
import { findPersonNames } from './person-names.ts';
import { findPhones } from './phone.ts';
import { createProductGazetteer, type ProductGazetteer } from './product-gazetteer.ts';
import { selectSpans } from './select-spans.ts';
import type { TCandidate, TDateOptions, TEntity } from './types.ts';

export type TExtractOptions = TDateOptions & {
  /** The catalogue: compile it once with `createProductGazetteer`; a plain array is compiled and cached. */
  products?: readonly string[] | ProductGazetteer;
  /** The agent just asked for this id, so a bare code in the reply ("it's 10042") is one. */
  expecting?: 'order_id' | 'invoice_id';
};

// Keyed by the array itself: callers that pass the same catalogue array every turn compile it once.
const compiled = new WeakMap<readonly string[], ProductGazetteer>();

function gazetteerOf(products: TExtractOptions['products']): ProductGazetteer | undefined {
  if (!products || !Array.isArray(products)) return products as ProductGazetteer | undefined;
  let g = compiled.get(products);
  if (!g) {
    g = createProductGazetteer(products);
    compiled.set(products, g);
  }
  return g;
}

/**
 * Entities of a chat message with character spans: ids, emails, phones, amounts, dates, catalogue
 * products and person names. Spans never overlap; where two readings compete the more specific one wins
 * (an email over the number inside it, "order 5551234567" as an order rather than a phone).
 */
export function extractEntities(text: string, options: TExtractOptions = {}): TEntity[] {
  const candidates: TCandidate[] = [];
  const hasDigit = /\d/.test(text);
  candidates.push(...findEmails(text));
  if (hasDigit) {
    candidates.push(...findIds(text, options), ...findPhones(text), ...findAmounts(text));
  }
  candidates.push(...findDates(text, options), ...findPersonNames(text));
  const gazetteer = gazetteerOf(options.products);
  if (gazetteer) candidates.push(...gazetteer.find(text));
  return selectSpans(candidates);
}
