import { sql, type TDb } from '../db/sql.ts';
import type { TArticleView } from './types.ts';

const columns = sql`slug, kind, topic, title, body, intents, tags`;

/**
 * An intent's articles, its primary ones first (the intent listed first, then the most specific).
 * `@>` rather than `= ANY` so the GIN index on `intents` serves it.
 */
export function queryArticlesForIntent(db: TDb, intent: string): Promise<TArticleView[]> {
  return db.query<TArticleView>(sql`
    SELECT ${columns} FROM "Article"
    WHERE intents @> ARRAY[${intent}]::text[]
    ORDER BY array_position(intents, ${intent}), cardinality(intents), slug`);
}

/** Full-text fallback: the best-ranked article for the customer's words (the trigger keeps `search`). */
export async function querySearchArticle(db: TDb, text: string): Promise<TArticleView | null> {
  const rows = await db.query<TArticleView>(sql`
    SELECT ${columns} FROM "Article", websearch_to_tsquery('english', ${text}) q
    WHERE search @@ q
    ORDER BY ts_rank(search, q) DESC, slug
    LIMIT 1`);
  return rows[0] ?? null;
}
