import type { TransactionClient } from '@acsa/db';

const CHUNK = 5000;

/**
 * Inserts rows as one JSON parameter per chunk, expanded by json_populate_recordset on the server.
 * About 5× faster than createMany for the seed's 100k rows (one parameter instead of tens of thousands,
 * no per-row query building), which is what keeps seeding under 30 s. Rows must carry every NOT NULL
 * column without a database default: Prisma-side defaults (@updatedAt) do not apply here.
 */
export async function bulkInsert(
  tx: TransactionClient,
  table: string,
  rows: readonly object[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0] as object)
    .map((c) => `"${c}"`)
    .join(', ');
  const sql = `INSERT INTO "${table}" (${columns}) SELECT ${columns} FROM json_populate_recordset(null::"${table}", $1::json)`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx.$executeRawUnsafe(sql, JSON.stringify(rows.slice(i, i + CHUNK)));
  }
  return rows.length;
}
