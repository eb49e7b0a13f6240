import type { TransactionClient } from './transaction.ts';

const CHUNK = 5000;

/**
 * Inserts rows as one JSON parameter per chunk, expanded by json_populate_recordset on the server. Prisma's
 * createMany builds and checks every row's query (13 s and 1 GB for 18k examples); this takes under a
 * second, which keeps the seed under 30 s and a large import interactive. Rows must carry every NOT NULL
 * column without a database default and their own ids: Prisma-side defaults (@default(uuid(7)),
 * @updatedAt) do not apply here. Columns are those of the first row.
 */
export async function bulkInsert(
  tx: TransactionClient,
  table: string,
  rows: readonly object[],
  onProgress?: (written: number, total: number) => void,
): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0] as object)
    .map((c) => `"${c}"`)
    .join(', ');
  const sql = `INSERT INTO "${table}" (${columns}) SELECT ${columns} FROM json_populate_recordset(null::"${table}", $1::json)`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await tx.$executeRawUnsafe(sql, JSON.stringify(chunk));
    onProgress?.(i + chunk.length, rows.length);
  }
  return rows.length;
}
