import { INTENT_NAMES, isIntentName } from '@acsa/corpus/intents';
import { Prisma, type PrismaClient, type TransactionClient } from '@acsa/db';
import { PRODUCTION_ALIAS } from '../registry/aliases.ts';

type TDb = PrismaClient | TransactionClient;

/**
 * Intents outside the built-in taxonomy that the shop has: those a dataset version imported with
 * `--new-intents` recorded in its meta, every intent a stored dataset version carries (its `counts.intents`:
 * an import accepts only the shop's intents, and a retrain's snapshot only labels of them), and the labels of
 * the model in production (a class can be trained from data that never went through import). Without the
 * versions' own intents, a class known only from the production model's labels, imported or labelled while
 * it was in production, stopped being the shop's when production moved to a model without it (a rollback):
 * reviewers could no longer pick it, and a re-import of the same file was refused. Dropping any source makes
 * reviewers unable to label turns of a class the shop added on purpose.
 */
const addedIntentsSql = Prisma.sql`
  SELECT jsonb_array_elements_text(
    CASE WHEN jsonb_typeof(v.meta -> 'newIntents') = 'array' THEN v.meta -> 'newIntents' ELSE '[]'::jsonb END
  ) AS name FROM "DatasetVersion" v
  UNION
  SELECT jsonb_object_keys(
    CASE WHEN jsonb_typeof(v.counts -> 'intents') = 'object' THEN v.counts -> 'intents' ELSE '{}'::jsonb END
  ) AS name FROM "DatasetVersion" v
  UNION
  SELECT unnest(m.labels) AS name FROM "ModelAlias" a JOIN "ModelVersion" m ON m.id = a."modelVersionId"
  WHERE a.name = ${PRODUCTION_ALIAS}`;

/** Whether `intent` is one of the shop's intents: the taxonomy without a query, otherwise one query. */
export async function isShopIntent(db: TDb, intent: string): Promise<boolean> {
  if (isIntentName(intent)) return true;
  const [row] = await db.$queryRaw<{ known: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM (${addedIntentsSql}) s WHERE s.name = ${intent}) AS known`;
  return row?.known === true;
}

/** The intents the shop added beyond the taxonomy (see addedIntentsSql), sorted; taxonomy names left out. */
export async function addedIntentNames(db: TDb): Promise<string[]> {
  const rows = await db.$queryRaw<{ name: string }[]>`SELECT name FROM (${addedIntentsSql}) s ORDER BY name`;
  return rows.map((r) => r.name).filter((n) => !isIntentName(n));
}

/** The shop's intents, as the console's intent pickers offer them: the taxonomy first, then added ones. */
export async function shopIntentNames(db: TDb): Promise<string[]> {
  return [...INTENT_NAMES, ...(await addedIntentNames(db))];
}
