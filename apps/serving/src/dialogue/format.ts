/** How replies write money, dates and names of things: for people, not for databases. */

const moneyFormats = new Map<string, Intl.NumberFormat>();

export function money(cents: number, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    moneyFormats.set(currency, f);
  }
  return f.format(cents / 100);
}

const DAY_MS = 86_400_000;
const weekdayDate = new Intl.DateTimeFormat('en-US', {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});
const fullDate = new Intl.DateTimeFormat('en-US', {
  month: 'long',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});
const shortDate = new Intl.DateTimeFormat('en-US', { month: 'long', day: 'numeric', timeZone: 'UTC' });

const utcDay = (d: Date) => Math.floor(d.getTime() / DAY_MS);

/**
 * A date as a person says it: "today", "tomorrow", "Sunday, November 22" within the coming week, "November
 * 3" this year, "November 3, 2025" otherwise. Dates are the shop's UTC days; the shopper's zone is unknown.
 */
export function day(iso: string, now: Date): string {
  const d = new Date(iso);
  const delta = utcDay(d) - utcDay(now);
  if (delta === 0) return 'today';
  if (delta === 1) return 'tomorrow';
  if (delta === -1) return 'yesterday';
  if (delta > 1 && delta < 7) return weekdayDate.format(d);
  return d.getUTCFullYear() === now.getUTCFullYear() ? shortDate.format(d) : fullDate.format(d);
}

/** "on Sunday, November 22" but plain "today"/"tomorrow". */
export const onDay = (iso: string, now: Date) => {
  const s = day(iso, now);
  return s === 'today' || s === 'tomorrow' || s === 'yesterday' ? s : `on ${s}`;
};

const PAYMENT: Record<string, string> = {
  card: 'card',
  paypal: 'PayPal',
  apple_pay: 'Apple Pay',
  google_pay: 'Google Pay',
  gift_card: 'gift card',
  bank_transfer: 'bank transfer',
};
export const paymentName = (method: string) => PAYMENT[method] ?? method.replace(/_/g, ' ');

const SHIPPING: Record<string, string> = { standard: 'standard', express: 'express', next_day: 'next-day' };
export const shippingName = (method: string) => SHIPPING[method] ?? method.replace(/_/g, ' ');

/** "the Velvet Night Cream", "2 × Desk Lamp and a Kettle", "the Lamp and 2 other items". */
export function itemsSummary(items: { name: string; quantity: number }[]): string {
  const one = (i: { name: string; quantity: number }) =>
    i.quantity > 1 ? `${i.quantity} × ${i.name}` : i.name;
  const [first, second] = items;
  if (!first) return 'your items';
  if (items.length === 1) return one(first);
  if (items.length === 2 && second) return `${one(first)} and ${one(second)}`;
  return `${one(first)} and ${items.length - 1} other items`;
}

/** Picks a variant by the turn number: replies vary along a conversation, yet a test can predict them. */
export const pick = <T>(turn: number, variants: readonly T[]): T => variants[turn % variants.length] as T;

export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;
