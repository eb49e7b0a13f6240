import type { TArticleView, TCancelResult, TOrderView } from '../knowledge/types.ts';
import { day, itemsSummary, money, onDay, paymentName, pick, shippingName } from './format.ts';

/** Replies about one verified order. `t` is the turn number that picks a variant. */

const total = (o: TOrderView) => money(o.totalCents, o.currency);

function whereIsParcel(o: TOrderView, now: Date): string {
  const s = o.shipment;
  if (!s) return '';
  const last = s.events[0];
  const scan = last
    ? ` Last scan: ${last.description.toLowerCase()} in ${last.location}, ${day(last.at, now)}.`
    : '';
  const eta = s.eta ? day(s.eta, now) : null;
  const parcels = o.shipmentCount > 1 ? ` It travels in ${o.shipmentCount} parcels; this is the latest.` : '';
  if (s.status === 'OUT_FOR_DELIVERY')
    return `It's out for delivery with ${s.carrier} today (tracking number ${s.trackingNumber}).${scan}${parcels}`;
  if (s.status === 'EXCEPTION')
    return `${s.carrier} reported a delivery problem (tracking number ${s.trackingNumber}).${scan} They usually try again the next business day${eta ? `; the estimated delivery is now ${eta}` : ''}.${parcels}`;
  return `It's on its way with ${s.carrier}, tracking number ${s.trackingNumber}.${scan}${eta ? ` Estimated delivery: ${eta}.` : ''}${parcels}`;
}

function refundLine(o: TOrderView, now: Date): string {
  const r = o.refunds[o.refunds.length - 1];
  if (!r) return '';
  const amount = money(r.amountCents, r.currency);
  if (r.status === 'COMPLETED' && r.completedAt)
    return ` Your refund of ${amount} was paid ${onDay(r.completedAt, now)}.`;
  if (r.status === 'APPROVED')
    return ` Your refund of ${amount} is approved and on its way to your ${paymentName(o.paymentMethod)}.`;
  if (r.status === 'REJECTED') return ` The refund request for ${amount} was declined.`;
  return ` Your refund request for ${amount} is being reviewed.`;
}

export function trackReply(o: TOrderView, now: Date, t: number): string {
  const n = o.number;
  switch (o.status) {
    case 'PENDING':
      return `Order ${n} was placed ${onDay(o.placedAt, now)} and is waiting for payment, so it hasn't shipped yet.`;
    case 'PAID':
      return pick(t, [
        `Order ${n} is paid and being packed; it ships within 1 business day by ${shippingName(o.shippingMethod)} delivery. You'll get the tracking number as soon as it leaves.`,
        `Good news: order ${n} is paid and our warehouse is preparing it. It ships within 1 business day (${shippingName(o.shippingMethod)} delivery), and then I can give you tracking.`,
      ]);
    case 'SHIPPED':
      return pick(t, [
        `Order ${n} has shipped! ${whereIsParcel(o, now)}`,
        `Your order ${n} is shipped. ${whereIsParcel(o, now)}`,
        `Here's the latest on order ${n}: shipped. ${whereIsParcel(o, now)}`,
      ]);
    case 'DELIVERED': {
      const s = o.shipment;
      const when = s?.deliveredAt ? ` ${onDay(s.deliveredAt, now)}` : '';
      const by = s ? ` by ${s.carrier} (tracking number ${s.trackingNumber})` : '';
      return `Order ${n} was delivered${when}${by}. If anything is missing or wrong, tell me and I'll help.`;
    }
    case 'CANCELLED':
      return `Order ${n} was cancelled${o.cancelledAt ? ` ${onDay(o.cancelledAt, now)}` : ''}.${refundLine(o, now)}`;
    case 'RETURNED':
      return `Order ${n} was returned to us.${refundLine(o, now)}`;
  }
}

export const returnOffer = (article: TArticleView | null) =>
  article ? ` You can return it instead: ${article.body}` : ' You can return it instead once it arrives.';

export function cannotCancelReply(o: TOrderView, now: Date, article: TArticleView | null): string {
  const n = o.number;
  if (o.status === 'CANCELLED') return `Order ${n} is already cancelled.${refundLine(o, now)}`;
  if (o.status === 'RETURNED') return `Order ${n} was already returned.${refundLine(o, now)}`;
  if (o.status === 'DELIVERED')
    return `Order ${n} was already delivered, so it can't be cancelled.${returnOffer(article)}`;
  const by = o.shipment ? ` with ${o.shipment.carrier}` : '';
  return `Order ${n} has already shipped${by}, so it can no longer be cancelled.${returnOffer(article)}`;
}

export const confirmCancelReply = (o: TOrderView, t: number) => {
  const what = `order ${o.number} (${itemsSummary(o.items)}, ${total(o)})`;
  return pick(t, [
    `I can cancel ${what} for you: it hasn't shipped yet, so there's no fee. Shall I cancel it? (yes / no)`,
    `${what.charAt(0).toUpperCase()}${what.slice(1)} hasn't shipped, so cancelling is free. Do you want me to cancel it? (yes / no)`,
  ]);
};

export function cancelledReply(r: TCancelResult & { cancelled: true }): string {
  const refund =
    r.previousStatus === 'PAID'
      ? ` We're refunding ${money(r.refundCents, r.currency)} to your ${paymentName(r.paymentMethod)}; it usually shows within 3–5 business days.`
      : ' It was never charged, so there is nothing to refund.';
  return `Done: order ${r.number} is cancelled.${refund} You'll get a confirmation email too.`;
}

export function refundStatusReply(o: TOrderView, now: Date, howTo: TArticleView | null): string {
  if (o.refunds.length === 0) {
    const steps = howTo ? ` ${howTo.body}` : '';
    if (o.status === 'PENDING' || o.status === 'PAID')
      return `There's no refund on order ${o.number}: it hasn't shipped yet, so you can cancel it for a full refund instead. Just tell me if you'd like that.`;
    if (o.status === 'SHIPPED')
      return `There's no refund on order ${o.number} yet. Once it arrives you can return it within 30 days.${steps}`;
    return `There's no refund on order ${o.number} yet. To request one:${steps || ' open the order and select "Return or refund".'}`;
  }
  const r = o.refunds[o.refunds.length - 1]!;
  const amount = money(r.amountCents, r.currency);
  const kind = r.kind === 'RETURN' ? 'return' : 'refund';
  const status = {
    REQUESTED: `is being reviewed (requested ${onDay(r.createdAt, now)})`,
    APPROVED: `is approved: ${amount} goes back to your ${paymentName(o.paymentMethod)}, usually within 3–5 business days`,
    REJECTED: 'was declined; I can put you through to a person if you disagree',
    COMPLETED: `is complete: ${amount} was paid back${r.completedAt ? ` ${onDay(r.completedAt, now)}` : ''}`,
  }[r.status];
  return `The ${kind} for order ${o.number} (${amount}, reason: ${r.reason.toLowerCase()}) ${status}.`;
}

export function invoiceReply(o: TOrderView, now: Date): string {
  if (!o.invoice)
    return `Order ${o.number} has no invoice yet: we issue it as soon as the order is paid. Download it then under Orders → Invoice.`;
  const v = o.invoice;
  return `The invoice for order ${o.number} is ${v.number}, ${money(v.totalCents, v.currency)}, issued ${onDay(v.issuedAt, now)}. You can download it as a PDF under Orders → Invoice.`;
}

/** For change_order, change_shipping_address and get_refund with a known order: depends on where it is. */
export function changeReply(o: TOrderView, what: 'order' | 'address', article: TArticleView | null): string {
  const steps = article ? ` ${article.body}` : '';
  if (o.status === 'PENDING' || o.status === 'PAID')
    return `Order ${o.number} hasn't shipped yet, so you can still change ${what === 'order' ? 'it' : 'its delivery address'}.${steps}`;
  if (o.status === 'SHIPPED' || o.status === 'DELIVERED')
    return `Order ${o.number} has already ${o.status === 'SHIPPED' ? 'shipped' : 'been delivered'}, so ${what === 'order' ? 'it' : 'its address'} can't be changed any more. If it isn't right, you can return it for free within 30 days of delivery.`;
  return `Order ${o.number} was ${o.status === 'CANCELLED' ? 'cancelled' : 'returned'}, so there's nothing left to change on it.`;
}

export function refundRequestReply(o: TOrderView, now: Date, howTo: TArticleView | null): string {
  const steps = howTo ? ` ${howTo.body}` : '';
  switch (o.status) {
    case 'PENDING':
    case 'PAID':
      return `Order ${o.number} hasn't shipped yet, so the simplest is to cancel it: you get the full ${total(o)} back. Shall I cancel it? (yes / no)`;
    case 'SHIPPED':
      return `Order ${o.number} is on its way. Once it arrives you can return it within 30 days for a refund.${steps}`;
    case 'DELIVERED':
      return o.refunds.length > 0
        ? refundStatusReply(o, now, howTo)
        : `You can return order ${o.number} for a refund.${steps}`;
    default:
      return refundStatusReply(o, now, howTo);
  }
}
