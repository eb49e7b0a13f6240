import { sql, type TDb } from '../db/sql.ts';
import type { TProductView } from './types.ts';

/**
 * The active product a customer names: the exact name first, then the shortest name containing it
 * ("kettle" finds "Electric Kettle" before "Electric Kettle Descaler").
 */
export async function queryProductByName(db: TDb, name: string): Promise<TProductView | null> {
  const pattern = `%${name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.query<TProductView>(sql`
    SELECT p.sku, p.name, p.description, c.name AS category, p."priceCents", trim(p.currency) AS currency,
           p.stock
    FROM "Product" p JOIN "Category" c ON c.id = p."categoryId"
    WHERE p.active AND p.name ILIKE ${pattern}
    ORDER BY lower(p.name) = lower(${name}) DESC, length(p.name), p.name
    LIMIT 1`);
  return rows[0] ?? null;
}
