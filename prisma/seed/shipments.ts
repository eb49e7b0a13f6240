import type { TRandom } from '@acsa/corpus/prng';
import { uuidv7 } from './uuid.ts';

type TShipmentStatus =
  | 'LABEL_CREATED'
  | 'IN_TRANSIT'
  | 'OUT_FOR_DELIVERY'
  | 'DELIVERED'
  | 'EXCEPTION'
  | 'RETURNED';
export type TSeedShipment = {
  id: string;
  orderId: string;
  carrier: string;
  trackingNumber: string;
  status: TShipmentStatus;
  shippedAt: Date;
  eta: Date | null;
  deliveredAt: Date | null;
};
export type TSeedTrackingEvent = {
  id: string;
  shipmentId: string;
  at: Date;
  status: TShipmentStatus;
  location: string;
  description: string;
};

const DAY = 86_400_000;
const HUBS = [
  'Memphis, TN',
  'Louisville, KY',
  'Indianapolis, IN',
  'Chicago, IL',
  'Dallas, TX',
  'Newark, NJ',
  'Ontario, CA',
];
const digits = (random: TRandom, n: number) => Array.from({ length: n }, () => random.int(10)).join('');

/** Tracking numbers in each carrier's own shape, so they look right in replies and in the console. */
const CARRIERS = [
  { name: 'UPS', tracking: (r: TRandom) => `1Z${digits(r, 6)}03${digits(r, 8)}` },
  { name: 'FedEx', tracking: (r: TRandom) => digits(r, 12) },
  { name: 'DHL', tracking: (r: TRandom) => `JD01${digits(r, 14)}` },
  { name: 'USPS', tracking: (r: TRandom) => `9400${digits(r, 18)}` },
] as const;

/**
 * A shipment and its tracking history up to `now`: label, departure scan, hub scans, out for delivery,
 * delivered. Undelivered parcels stop where `now` falls, and a few hit a delivery exception.
 */
export function buildShipment(input: {
  random: TRandom;
  orderId: string;
  shippedAt: Date;
  transitDays: number;
  now: Date;
  delivered: boolean;
  destination: string;
  demo: boolean;
}): { shipment: TSeedShipment; events: TSeedTrackingEvent[] } {
  const { random, shippedAt, now } = input;
  const carrier = input.demo ? CARRIERS[0] : random.pick(CARRIERS);
  const id = uuidv7(shippedAt, random);
  let eta = new Date(shippedAt.getTime() + input.transitDays * DAY);
  // An undelivered parcel's ETA is never in the past: carriers push it out, and so do we.
  if (!input.delivered && eta.getTime() < now.getTime()) eta = new Date(now.getTime() + DAY);
  if (input.demo) eta = new Date(now.getTime() + 2 * DAY);
  const plan: { status: TShipmentStatus; at: Date; location: string; description: string }[] = [
    {
      status: 'LABEL_CREATED',
      at: new Date(shippedAt.getTime() - 3 * 3_600_000),
      location: 'Warehouse, Reno, NV',
      description: 'Shipping label created',
    },
    { status: 'IN_TRANSIT', at: shippedAt, location: 'Reno, NV', description: 'Picked up by carrier' },
  ];
  const span = eta.getTime() - shippedAt.getTime();
  for (const [i, hub] of random.sample(HUBS, random.between(1, 2)).entries()) {
    plan.push({
      status: 'IN_TRANSIT',
      at: new Date(shippedAt.getTime() + span * (0.3 + 0.25 * i)),
      location: hub,
      description: 'Arrived at carrier facility',
    });
  }
  const exception = !input.delivered && !input.demo && random.chance(0.08);
  if (exception) {
    plan.push({
      status: 'EXCEPTION',
      at: new Date(shippedAt.getTime() + span * 0.8),
      location: input.destination,
      description: 'Delivery attempted: no one available to sign',
    });
  }
  plan.push({
    status: 'OUT_FOR_DELIVERY',
    at: new Date(eta.getTime() - 6 * 3_600_000),
    location: input.destination,
    description: 'Out for delivery',
  });
  plan.push({
    status: 'DELIVERED',
    at: eta,
    location: input.destination,
    description: 'Delivered, left at front door',
  });
  const happened = input.delivered
    ? plan
    : plan.filter((e) => e.at.getTime() <= now.getTime() && e.status !== 'DELIVERED');
  const last = happened[happened.length - 1];
  const deliveredAt = input.delivered ? eta : null;
  return {
    shipment: {
      id,
      orderId: input.orderId,
      carrier: carrier.name,
      trackingNumber: carrier.tracking(random),
      status: input.delivered ? 'DELIVERED' : (last?.status ?? 'LABEL_CREATED'),
      shippedAt,
      eta: input.delivered ? null : eta,
      deliveredAt,
    },
    events: happened.map((e) => ({ id: uuidv7(e.at, random), shipmentId: id, ...e })),
  };
}
