import { uuidv7 } from '@acsa/core/ids';
import { bulkInsert, type Split, type TransactionClient } from '@acsa/db';
import type { TImportRow, TSplit } from './types.ts';

const SPLIT: Record<TSplit, Split> = { train: 'TRAIN', dev: 'DEV', test: 'TEST' };

/** Writes a version's examples in bulk (see bulkInsert: one JSON parameter per 5,000 rows). */
export async function insertExamples(
  tx: TransactionClient,
  datasetVersionId: string,
  rows: readonly TImportRow[],
  origin: (row: TImportRow) => string,
  onProgress?: (written: number, total: number) => void,
): Promise<void> {
  const examples = rows.map((r) => ({
    id: uuidv7(),
    datasetVersionId,
    text: r.text,
    key: r.key,
    intent: r.intent,
    entities: r.entities,
    source: 'IMPORT',
    split: SPLIT[r.split],
    origin: origin(r),
  }));
  await bulkInsert(tx, 'Example', examples, onProgress);
}
