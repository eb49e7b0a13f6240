import type { TRandom } from '@acsa/corpus/prng';
import type { TSeedProduct } from './catalogue.ts';
import type { TSeedAddress, TSeedCustomer } from './people.ts';
import { buildShipment, type TSeedShipment, type TSeedTrackingEvent } from './shipments.ts';
import { uuidv7 } from './uuid.ts';

type TStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED' | 'RETURNED';

export const FIRST_ORDER_NUMBER = 10001;
/** The order the README's demo conversation asks about: Alex Morgan's, shipped and on its way. */
export const DEMO_ORDER = { number: 10042, status: 'SHIPPED' as const };
/**
 * Alex's order that is paid and not yet shipped, for the demo shop's "cancel my order" (its status is the
 * one the seed draws for it anyway; only its customer is set).
 */
export const DEMO_CANCELLABLE_ORDER = { number: 10110 };

export const SHIPPING_METHODS = {
  standard: { label: 'Standard (3–5 business days)', cents: 499, days: [3, 5] },
  express: { label: 'Express (1–2 business days)', cents: 1299, days: [1, 2] },
  next_day: { label: 'Next day', cents: 2499, days: [1, 1] },
} as const;
type TMethod = keyof typeof SHIPPING_METHODS;
const PAYMENT_METHODS = [
  'card',
  'card',
  'card',
  'paypal',
  'apple_pay',
  'google_pay',
  'gift_card',
  'bank_transfer',
];
const DAY = 86_400_000;

export type TSeedOrder = {
  id: string;
  number: number;
  customerId: string;
  email: string;
  status: TStatus;
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
  shippingMethod: string;
  shippingAddress: object;
  paymentMethod: string;
  placedAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
};
export type TSeedOrderItem = {
  id: string;
  orderId: string;
  productId: string;
  quantity: number;
  unitPriceCents: number;
};
export type TSeedInvoice = {
  id: string;
  number: string;
  orderId: string;
  totalCents: number;
  issuedAt: Date;
};
export type TSeedRefund = {
  id: string;
  orderId: string;
  kind: 'REFUND' | 'RETURN';
  status: 'REQUESTED' | 'APPROVED' | 'REJECTED' | 'COMPLETED';
  amountCents: number;
  reason: string;
  createdAt: Date;
  completedAt: Date | null;
};
export type TShopOrders = {
  orders: TSeedOrder[];
  items: TSeedOrderItem[];
  invoices: TSeedInvoice[];
  shipments: TSeedShipment[];
  events: TSeedTrackingEvent[];
  refunds: TSeedRefund[];
};

/** Status follows age, as in a real shop: last week's orders are still moving, older ones have settled. */
function statusFor(random: TRandom, ageDays: number): TStatus {
  if (ageDays < 1)
    return random.weighted([
      ['PENDING', 3],
      ['PAID', 6],
      ['CANCELLED', 1],
    ]);
  if (ageDays < 3)
    return random.weighted([
      ['PAID', 5],
      ['SHIPPED', 4],
      ['CANCELLED', 1],
      ['PENDING', 0.5],
    ]);
  if (ageDays < 8)
    return random.weighted([
      ['SHIPPED', 6],
      ['DELIVERED', 3],
      ['CANCELLED', 0.6],
      ['PAID', 0.4],
    ]);
  return random.weighted([
    ['DELIVERED', 80],
    ['RETURNED', 9],
    ['CANCELLED', 8],
    ['SHIPPED', 2],
    ['PENDING', 1],
  ]);
}

const REFUND_REASONS = [
  'Item arrived damaged',
  'Wrong size',
  'Changed my mind',
  'Not as described',
  'Arrived too late',
];

export function buildOrders(input: {
  random: TRandom;
  count: number;
  now: Date;
  customers: TSeedCustomer[];
  addresses: TSeedAddress[];
  products: (TSeedProduct & { id: string })[];
}): TShopOrders {
  const { random, now } = input;
  const out: TShopOrders = { orders: [], items: [], invoices: [], shipments: [], events: [], refunds: [] };
  const addressOf = new Map<string, TSeedAddress>();
  for (const a of input.addresses) if (a.isDefault) addressOf.set(a.customerId, a);
  const sellable = input.products;
  let invoiceSeq = 0;

  for (let i = 0; i < input.count; i++) {
    const number = FIRST_ORDER_NUMBER + i;
    const demo = number === DEMO_ORDER.number;
    const drawn = demo ? input.customers[0] : random.pick(input.customers);
    // Drawn anyway and then replaced, so every other order stays exactly as the seed makes it.
    const customer = number === DEMO_CANCELLABLE_ORDER.number ? input.customers[0] : drawn;
    if (!customer) throw new Error('no customers to place orders');
    const ageDays = demo ? 2.2 : random.chance(0.08) ? random.next() * 8 : random.next() * 180;
    const placedAt = new Date(now.getTime() - ageDays * DAY);
    const status = demo ? DEMO_ORDER.status : statusFor(random, ageDays);
    const id = uuidv7(placedAt, random);
    const method: TMethod = demo
      ? 'express'
      : random.weighted([
          ['standard', 7],
          ['express', 2.5],
          ['next_day', 0.5],
        ]);

    let subtotal = 0;
    for (const product of random.sample(
      sellable,
      random.weighted([
        [1, 5],
        [2, 3],
        [3, 1.5],
        [4, 0.5],
      ]),
    )) {
      const quantity = random.weighted([
        [1, 8],
        [2, 1.5],
        [3, 0.5],
      ]);
      subtotal += quantity * product.priceCents;
      out.items.push({
        id: uuidv7(placedAt, random),
        orderId: id,
        productId: product.id,
        quantity,
        unitPriceCents: product.priceCents,
      });
    }
    // Standard shipping is free over $50, as the shipping FAQ says.
    const shippingCents = method === 'standard' && subtotal >= 5000 ? 0 : SHIPPING_METHODS[method].cents;
    const address = addressOf.get(customer.id);
    const paid = status !== 'PENDING' && !(status === 'CANCELLED' && random.chance(0.4));
    const paidAt = paid ? new Date(placedAt.getTime() + random.between(1, 30) * 60_000) : null;
    const cancelledAt =
      status === 'CANCELLED' ? new Date(placedAt.getTime() + random.between(1, 20) * 3_600_000) : null;
    const order: TSeedOrder = {
      id,
      number,
      customerId: customer.id,
      email: customer.email,
      status,
      subtotalCents: subtotal,
      shippingCents,
      totalCents: subtotal + shippingCents,
      shippingMethod: method,
      shippingAddress: address
        ? {
            name: customer.name,
            line1: address.line1,
            line2: address.line2,
            city: address.city,
            postalCode: address.postalCode,
            country: address.country,
          }
        : {},
      paymentMethod: random.pick(PAYMENT_METHODS),
      placedAt,
      paidAt,
      cancelledAt,
    };
    out.orders.push(order);

    if (paidAt) {
      invoiceSeq++;
      out.invoices.push({
        id: uuidv7(paidAt, random),
        number: `INV-${paidAt.getUTCFullYear()}-${String(invoiceSeq).padStart(5, '0')}`,
        orderId: id,
        totalCents: order.totalCents,
        issuedAt: paidAt,
      });
    }
    if (status === 'SHIPPED' || status === 'DELIVERED' || status === 'RETURNED') {
      const [minDays, maxDays] = SHIPPING_METHODS[method].days;
      const shippedAt = new Date((paidAt ?? placedAt).getTime() + random.between(4, 30) * 3_600_000);
      const transitDays = random.between(minDays, maxDays);
      const { shipment, events } = buildShipment({
        random,
        orderId: id,
        shippedAt,
        transitDays,
        now,
        delivered: status !== 'SHIPPED',
        demo,
        destination: address?.city ?? 'Springfield',
      });
      out.shipments.push(shipment);
      out.events.push(...events);
    }
    if (status === 'RETURNED' || (status === 'CANCELLED' && paidAt)) {
      const createdAt = new Date(
        (cancelledAt ?? placedAt).getTime() +
          (status === 'RETURNED' ? random.between(6, 20) * DAY : 3_600_000),
      );
      const completed = createdAt.getTime() + 5 * DAY < now.getTime();
      out.refunds.push({
        id: uuidv7(createdAt, random),
        orderId: id,
        kind: status === 'RETURNED' ? 'RETURN' : 'REFUND',
        status: completed ? 'COMPLETED' : 'APPROVED',
        amountCents: order.totalCents,
        reason: status === 'RETURNED' ? random.pick(REFUND_REASONS) : 'Order cancelled',
        createdAt,
        completedAt: completed ? new Date(createdAt.getTime() + random.between(3, 5) * DAY) : null,
      });
    } else if (status === 'DELIVERED' && random.chance(0.03)) {
      const createdAt = new Date(placedAt.getTime() + random.between(5, 12) * DAY);
      out.refunds.push({
        id: uuidv7(createdAt, random),
        orderId: id,
        kind: 'REFUND',
        status: random.pick(['REQUESTED', 'REJECTED', 'APPROVED'] as const),
        amountCents: Math.round(order.totalCents * 0.3),
        reason: random.pick(REFUND_REASONS),
        createdAt,
        completedAt: null,
      });
    }
  }
  return out;
}
