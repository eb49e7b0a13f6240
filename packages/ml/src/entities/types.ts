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

export type EntityType = (typeof ENTITY_TYPES)[number];

/** `text.slice(start, end)` is the surface form; `value` is its normalised form. */
export type TEntity = {
  type: EntityType;
  value: string;
  start: number;
  end: number;
};

/** A recogniser's proposal; `score` decides which of two overlapping proposals survives. */
export type TCandidate = TEntity & { score: number };

export type TDateOptions = {
  /** Resolves "yesterday", "3 days ago", "last Friday" and year-less dates; without it they stay as written. */
  referenceDate?: Date;
  /** How to read "03/05/2026" when both parts could be the month. */
  dateOrder?: 'mdy' | 'dmy';
};

/** Scores shared by the recognisers: higher wins an overlap, then the longer span. */
export const SCORE = {
  email: 100,
  idPrefixed: 95,
  idKeyword: 90,
  phone: 70,
  amount: 65,
  date: 60,
  idLoose: 50,
  product: 45,
  person: 30,
  idExpected: 20,
} as const;
