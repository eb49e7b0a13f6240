import type { Logger } from '@acsa/core/logger';
import { sql, type TDb } from '../db/sql.ts';
import type { NluService } from './nlu-service.ts';

/**
 * How often the catalogue is read again. Not MODEL_POLL_MS (5 s): a model swap should reach every replica
 * at once, while a product added to the shop may well wait a minute to be recognised by name, and each
 * read costs every worker of every replica the whole list of names (and a gazetteer rebuild when changed).
 */
export const PRODUCT_REFRESH_MS = 60_000;

/**
 * Keeps the product names the NLU recognises current: read at start, then every `refreshMs`. A read that
 * fails is logged and leaves the last list (empty at start) in place: a worker without the catalogue
 * still answers, only without product entities, where one that died at start would answer nothing.
 */
export async function watchProductNames(options: {
  db: TDb;
  nlu: NluService;
  logger: Logger;
  refreshMs?: number;
}) {
  const { db, nlu, logger, refreshMs = PRODUCT_REFRESH_MS } = options;
  let loaded: string | null = null;
  let reading = false;
  const refresh = async () => {
    // A read slower than the period (PostgreSQL in trouble) is not joined by another on the same pool.
    if (reading) return;
    reading = true;
    try {
      const rows = await db.query<{ name: string }>(
        sql`SELECT name FROM "Product" WHERE active ORDER BY name`,
      );
      const names = rows.map((r) => r.name);
      const key = names.join('\n');
      if (key !== loaded) nlu.setProducts(names);
      loaded = key;
    } catch (e) {
      logger.warn(
        { err: (e as Error).message },
        loaded === null
          ? 'product names unavailable: products are not recognised by name until a later read succeeds'
          : 'product names could not be read again; keeping the last list',
      );
    } finally {
      reading = false;
    }
  };
  await refresh();
  const timer = setInterval(() => void refresh(), refreshMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
