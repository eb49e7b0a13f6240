import { uuidv7 } from '@acsa/core/ids';
import { type PrismaClient, withTransaction } from '@acsa/db';
import { insertExamples } from './insert-examples.ts';
import type { TCounts, TPreparedImport } from './types.ts';

export type TImportOptions = {
  /** The dataset the new version belongs to; created on its first import. */
  name: string;
  description?: string;
  /** The import refuses a prepared file with invalid rows unless told to leave them out. */
  skipInvalid?: boolean;
  createdById?: string;
  /** Called after each chunk of examples is written. */
  onProgress?: (written: number, total: number) => void;
};

export type TImportResult = {
  datasetVersion: { id: string; datasetId: string; name: string; version: number };
  counts: Omit<TCounts, 'total'>;
};

/** What the version's `meta` records: enough to know exactly which file, read how, gave these rows. */
function metaOf(prepared: TPreparedImport, options: TImportOptions) {
  const { file, stats } = prepared;
  return {
    file: file.name,
    format: file.format,
    bytes: file.bytes,
    sha256: file.sha256,
    labelMap: prepared.labelMap,
    // Which classes this version added outside the taxonomy, so a reviewer can find where one came from.
    newIntents: prepared.newIntents,
    options: { skipInvalid: options.skipInvalid ?? false, ...(prepared.csv ? { csv: prepared.csv } : {}) },
    rows: stats.rows,
    skipped: prepared.errors.map((e) => ({ line: e.line, message: e.message })),
    duplicates: stats.duplicates,
    conflicts: prepared.duplicates
      .filter((d) => d.conflict)
      .map((d) => ({ line: d.line, intent: d.intent, firstLine: d.firstLine, firstIntent: d.firstIntent })),
    fixedSpans: stats.fixedSpans,
  };
}

/**
 * Writes a prepared file as the next version of the dataset `name`, in one transaction: either every
 * example is there or nothing is (no dataset, no version). The dataset row is locked while the version
 * number is chosen, so two imports of the same dataset at once get versions n and n+1, never a clash.
 */
export async function importDataset(
  prisma: PrismaClient,
  prepared: TPreparedImport,
  options: TImportOptions,
): Promise<TImportResult> {
  if (prepared.errors.length && !options.skipInvalid)
    throw new Error(`${prepared.file.path}: ${prepared.errors.length} invalid rows; nothing imported`);
  if (!prepared.rows.length) throw new Error(`${prepared.file.path}: no rows to import`);
  const { total: _total, ...counts } = prepared.stats.imported;
  const origin = prepared.file.name;
  return withTransaction(
    prisma,
    async (tx) => {
      // Prisma's upsert is a read then an insert: two first imports at once would both insert. ON CONFLICT
      // waits for the other transaction instead, and the row lock then orders the version numbers.
      await tx.$executeRaw`INSERT INTO "Dataset" ("id", "name", "description")
        VALUES (${uuidv7()}::uuid, ${options.name}, ${options.description ?? null})
        ON CONFLICT ("name") DO NOTHING`;
      const [dataset] = await tx.$queryRaw<Array<{ id: string; name: string }>>`
        SELECT "id", "name" FROM "Dataset" WHERE "name" = ${options.name} FOR UPDATE`;
      if (!dataset) throw new Error(`dataset "${options.name}" vanished during the import`);
      const last = await tx.datasetVersion.aggregate({
        where: { datasetId: dataset.id },
        _max: { version: true },
      });
      const version = await tx.datasetVersion.create({
        data: {
          datasetId: dataset.id,
          version: (last._max.version ?? 0) + 1,
          source: 'IMPORT',
          meta: metaOf(prepared, options),
          counts,
          exampleCount: prepared.rows.length,
          createdById: options.createdById ?? null,
        },
      });
      await insertExamples(tx, version.id, prepared.rows, (r) => `${origin}:${r.line}`, options.onProgress);
      return {
        datasetVersion: {
          id: version.id,
          datasetId: dataset.id,
          name: dataset.name,
          version: version.version,
        },
        counts,
      };
    },
    // Read committed is enough with the row lock above; the default 10 s would cut a large file short.
    { isolationLevel: 'ReadCommitted', timeoutMs: 300_000 },
  );
}
