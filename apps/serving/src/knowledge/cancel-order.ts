import { sql, type TDb } from '../db/sql.ts';
import type { TCancelResult, TOrderStatus } from './types.ts';

type TRow = {
  number: number;
  status: TOrderStatus;
  totalCents: number;
  currency: string;
  paymentMethod: string;
  cancelled: number;
};

/**
 * Cancels an order in one statement. The row is locked first and the UPDATE repeats the status condition,
 * so an order shipped a moment earlier (or cancelled by a parallel request) is left alone whatever the
 * interleaving. A PAID order gets an approved refund of its total, as the shop does for every paid
 * cancellation; a PENDING one was never charged.
 */
export async function cancelOrderById(db: TDb, orderId: string): Promise<TCancelResult> {
  const rows = await db.query<TRow>(sql`
    WITH target AS (
      SELECT id, number, status AS before, "totalCents", currency, "paymentMethod"
      FROM "Order" WHERE id = ${orderId}::uuid FOR UPDATE
    ), upd AS (
      UPDATE "Order" o
      SET status = 'CANCELLED', "cancelledAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now() AT TIME ZONE 'UTC'
      FROM target t
      WHERE o.id = t.id AND t.before IN ('PENDING', 'PAID') AND o.status IN ('PENDING', 'PAID')
      RETURNING o.id
    ), refund AS (
      INSERT INTO "Refund" (id, "orderId", kind, status, "amountCents", currency, reason, "createdAt")
      SELECT gen_random_uuid(), t.id, 'REFUND', 'APPROVED', t."totalCents", t.currency, 'Order cancelled',
             now() AT TIME ZONE 'UTC'
      FROM target t JOIN upd ON upd.id = t.id
      WHERE t.before = 'PAID'
    )
    SELECT t.number, t.before::text AS status, t."totalCents", trim(t.currency) AS currency,
           t."paymentMethod", (SELECT count(*) FROM upd)::int AS cancelled
    FROM target t`);
  const row = rows[0];
  if (!row) return { cancelled: false, number: null, status: null };
  if (row.cancelled > 0 && (row.status === 'PENDING' || row.status === 'PAID')) {
    return {
      cancelled: true,
      number: row.number,
      previousStatus: row.status,
      refundCents: row.status === 'PAID' ? row.totalCents : 0,
      currency: row.currency,
      paymentMethod: row.paymentMethod,
    };
  }
  return { cancelled: false, number: row.number, status: row.status };
}
