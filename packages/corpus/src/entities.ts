/** Entity types the corpus annotates, and the shape each surface has; extraction and tests share them. */
export const ENTITY_TYPES = [
  'order_id',
  'invoice_id',
  'email',
  'phone',
  'amount',
  'date',
  'product',
  'person_name',
] as const;
export type TEntityType = (typeof ENTITY_TYPES)[number];

/**
 * One annotated span: `text.slice(start, end)` is the surface as the customer wrote it (offsets in UTF-16
 * code units, as JavaScript strings count). `value` is the normalised form: order_id digits (`10042`, without
 * `#` or "order no."), invoice_id upper case (`INV-2026-00123`), email as written, phone digits with a
 * leading `+` when given, amount `49.99 USD`, date `MM-DD` (or `YYYY-MM-DD` when the customer wrote a year),
 * product and person_name as canonically spelled (the surface may be lower-cased).
 */
export type TEntity = { type: TEntityType; value: string; start: number; end: number };

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
