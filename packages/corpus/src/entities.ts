/**
 * Entity types and spans are extraction's (@acsa/ml/entities): the corpus annotates exactly what the
 * extractor finds. `text.slice(start, end)` is the surface as the customer wrote it; `value` is normalised
 * (order_id digits, invoice_id upper case, amount `49.99 USD`, date `MM-DD` or `YYYY-MM-DD`, product and
 * person_name as canonically spelled).
 */
export { ENTITY_TYPES, type EntityType as TEntityType, type TEntity } from '@acsa/ml/entities';

import type { EntityType as TEntityType } from '@acsa/ml/entities';

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December';
const MONTHS_SHORT = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec';

/** What a surface of each type looks like (products are checked against the catalogue instead). */
export const ENTITY_SHAPES: Record<Exclude<TEntityType, 'product'>, RegExp> = {
  // The demo shop numbers its orders from 10001 (five digits).
  order_id: /^[1-9]\d{4}$/,
  invoice_id: /^INV-\d{4}-\d{5}$/i,
  email: /^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i,
  phone: /^\+?(?:\(\d{3}\) ?)?\d[\d -]{5,}\d$/,
  amount:
    /^(?:[$€£]\d+(?:\.\d{2})?|\d+(?:\.\d{2})? ?(?:USD|EUR|GBP|dollars|euros|bucks|pounds)|(?:USD|EUR|GBP) \d+(?:\.\d{2})?)$/,
  date: new RegExp(
    `^(?:(?:${MONTHS}|${MONTHS_SHORT}) \\d{1,2}(?:st|nd|rd|th)?(?:,? \\d{4})?|\\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:${MONTHS})(?: \\d{4})?|\\d{1,2}/\\d{1,2}(?:/\\d{4})?|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}\\.\\d{1,2}\\.(?:\\d{4})?)$`,
    'i',
  ),
  person_name: /^(?:(?:Mr|Mrs|Ms|Dr)\.? )?[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)*$/i,
};
