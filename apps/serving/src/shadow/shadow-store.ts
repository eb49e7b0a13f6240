import type { Logger } from '@acsa/core/logger';
import type pg from 'pg';

export type TShadowPrediction = {
  messageId: string;
  modelVersionId: string;
  intent: string;
  confidence: number;
  topK: { intent: string; confidence: number }[];
  outOfScope: boolean;
  lowConfidence: boolean;
  latencyMs: number;
  at: Date;
  /** What production predicted for the same message, as its Message row holds it (intent, outOfScope, model). */
  productionIntent: string;
  productionOutOfScope: boolean;
  productionModelVersionId: string;
};

const FLUSH_MS = 100;
const MAX_ROWS = 500;

const SQL = `
INSERT INTO "ShadowPrediction" ("messageId", "modelVersionId", intent, confidence, "topK", "outOfScope", "lowConfidence", "latencyMs", "createdAt",
  "productionIntent", "productionOutOfScope", "productionModelVersionId")
SELECT "messageId", "modelVersionId", intent, confidence, "topK", "outOfScope", "lowConfidence", "latencyMs", at,
  "productionIntent", "productionOutOfScope", "productionModelVersionId"
FROM jsonb_to_recordset($1::jsonb) AS x("messageId" uuid, "modelVersionId" uuid, intent text, confidence float8,
  "topK" jsonb, "outOfScope" boolean, "lowConfidence" boolean, "latencyMs" float8, at timestamp(3),
  "productionIntent" text, "productionOutOfScope" boolean, "productionModelVersionId" uuid)
ON CONFLICT DO NOTHING`;

/**
 * Stores shadow predictions a batch at a time, every FLUSH_MS: nobody waits for them, so they cost one
 * statement per flush rather than one per turn. Best effort: a batch PostgreSQL refuses is logged and
 * dropped, since a shadow comparison with a gap is still a comparison, and chat must not pay for it.
 */
export function createShadowStore(pool: pg.Pool, logger: Logger) {
  let rows: TShadowPrediction[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: TShadowPrediction[]) {
    try {
      const json = batch.map((r) => ({ ...r, at: r.at.toISOString() }));
      await pool.query({ name: 'acsa-shadow-predictions', text: SQL, values: [JSON.stringify(json)] });
    } catch (e) {
      logger.warn({ err: (e as Error).message, rows: batch.length }, 'shadow predictions not stored');
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = rows;
    rows = [];
    if (batch.length) flushing = flushing.then(() => write(batch));
    return flushing;
  }

  return {
    record(row: TShadowPrediction): void {
      rows.push(row);
      if (rows.length >= MAX_ROWS) void flush();
      else timer ??= setTimeout(() => void flush(), FLUSH_MS);
    },
    /** Writes what is buffered; resolves once it is stored (or refused). */
    flush,
  };
}
export type TShadowStore = ReturnType<typeof createShadowStore>;
