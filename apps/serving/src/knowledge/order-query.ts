import { sql, type TDb, type TSql } from '../db/sql.ts';
import type { TOrderView } from './types.ts';

/** Scans shown with an order: enough to say where the parcel is, small enough to cache. */
const EVENTS_SHOWN = 3;

/**
 * The whole order view in one round-trip: PostgreSQL assembles items, the latest shipment with its last
 * scans, refunds and invoice as JSON. Prisma's `include` would issue one query per relation here.
 */
const orderSelect = (where: TSql) => sql`
  SELECT json_build_object(
    'id', o.id, 'number', o.number, 'customerId', o."customerId", 'email', o.email, 'status', o.status,
    'subtotalCents', o."subtotalCents", 'shippingCents', o."shippingCents", 'totalCents', o."totalCents",
    'currency', o.currency, 'shippingMethod', o."shippingMethod", 'paymentMethod', o."paymentMethod",
    'placedAt', o."placedAt", 'paidAt', o."paidAt", 'cancelledAt', o."cancelledAt",
    'items', (
      SELECT coalesce(json_agg(json_build_object(
        'name', p.name, 'quantity', i.quantity, 'unitPriceCents', i."unitPriceCents") ORDER BY i.id), '[]')
      FROM "OrderItem" i JOIN "Product" p ON p.id = i."productId" WHERE i."orderId" = o.id),
    'shipment', (
      SELECT json_build_object(
        'carrier', s.carrier, 'trackingNumber', s."trackingNumber", 'status', s.status,
        'shippedAt', s."shippedAt", 'eta', s.eta, 'deliveredAt', s."deliveredAt",
        'events', (
          SELECT coalesce(json_agg(json_build_object(
            'at', e.at, 'status', e.status, 'location', e.location, 'description', e.description)
            ORDER BY e.at DESC), '[]')
          FROM (SELECT * FROM "TrackingEvent" t WHERE t."shipmentId" = s.id
                ORDER BY t.at DESC LIMIT ${EVENTS_SHOWN}) e))
      FROM "Shipment" s WHERE s."orderId" = o.id ORDER BY s."shippedAt" DESC LIMIT 1),
    'shipmentCount', (SELECT count(*) FROM "Shipment" s WHERE s."orderId" = o.id),
    'refunds', (
      SELECT coalesce(json_agg(json_build_object(
        'kind', r.kind, 'status', r.status, 'amountCents', r."amountCents", 'currency', r.currency,
        'reason', r.reason, 'createdAt', r."createdAt", 'completedAt', r."completedAt")
        ORDER BY r."createdAt"), '[]')
      FROM "Refund" r WHERE r."orderId" = o.id),
    'invoice', (
      SELECT json_build_object(
        'number', v.number, 'totalCents', v."totalCents", 'currency', v.currency, 'issuedAt', v."issuedAt")
      FROM "Invoice" v WHERE v."orderId" = o.id)
  ) AS "order"
  FROM "Order" o ${where}`;

// Columns are `timestamp` without zone holding UTC, so JSON renders them without an offset: mark them UTC.
const utc = (s: string | null): string | null => (s == null || /[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);

function normalise(raw: unknown): TOrderView | null {
  if (raw == null) return null;
  const o = (typeof raw === 'string' ? JSON.parse(raw) : raw) as TOrderView;
  o.placedAt = utc(o.placedAt) as string;
  o.paidAt = utc(o.paidAt);
  o.cancelledAt = utc(o.cancelledAt);
  o.currency = o.currency.trim();
  if (o.shipment) {
    const s = o.shipment;
    s.shippedAt = utc(s.shippedAt) as string;
    s.eta = utc(s.eta);
    s.deliveredAt = utc(s.deliveredAt);
    for (const e of s.events) e.at = utc(e.at) as string;
  }
  for (const r of o.refunds) {
    r.createdAt = utc(r.createdAt) as string;
    r.completedAt = utc(r.completedAt);
    r.currency = r.currency.trim();
  }
  if (o.invoice) {
    o.invoice.issuedAt = utc(o.invoice.issuedAt) as string;
    o.invoice.currency = o.invoice.currency.trim();
  }
  return o;
}

/** Order numbers are `int`: anything outside it cannot exist, and must not reach the query as an error. */
export const isOrderNumber = (n: number) => Number.isInteger(n) && n > 0 && n <= 2_147_483_647;

export async function queryOrderByNumber(db: TDb, number: number): Promise<TOrderView | null> {
  if (!isOrderNumber(number)) return null;
  const rows = await db.query<{ order: unknown }>(orderSelect(sql`WHERE o.number = ${number}`));
  return normalise(rows[0]?.order);
}

export async function queryOrderByInvoice(db: TDb, invoice: string): Promise<TOrderView | null> {
  const rows = await db.query<{ order: unknown }>(
    orderSelect(
      // Invoice numbers are stored upper-case; comparing them as such keeps the unique index usable.
      sql`JOIN "Invoice" inv ON inv."orderId" = o.id WHERE inv.number = ${invoice.trim().toUpperCase()}`,
    ),
  );
  return normalise(rows[0]?.order);
}
