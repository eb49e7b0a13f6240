import { AppError } from '@acsa/core/errors';
import { uuidv7 } from '@acsa/core/ids';
import { sessionTokenHash } from '../chat/session-token.ts';
import { sql, type TDb } from '../db/sql.ts';

export type TFeedback = {
  sessionId: string;
  sessionToken: string;
  rating?: number | undefined;
  thumbs?: 'up' | 'down' | undefined;
  comment?: string | undefined;
};

/**
 * Stores a rating or thumbs for the session's latest conversation (held by `sessionToken`), on its last
 * agent message. With an `idempotencyKey` (the client's Idempotency-Key) it is stored once: the widget
 * retries feedback whose answer was lost, and a second row would count the rating twice. The key is unique
 * per conversation in PostgreSQL (not Redis, as chat's answers are), so this holds with Redis away, and
 * is kept as long as the feedback. Returns whether this request's feedback was already stored (a replay).
 */
export async function storeFeedback(
  db: TDb,
  apiKeyId: string,
  body: TFeedback,
  idempotencyKey: string | null,
): Promise<{ replayed: boolean }> {
  const rating = body.rating ?? null;
  const thumbs = body.thumbs === undefined ? null : body.thumbs === 'up';
  const comment = body.comment ?? null;
  // One statement: the conversation, the insert, and for a key already used, whether it came with this
  // same feedback. Two attempts at once: the second waits for the first's row and inserts nothing; its
  // snapshot may not see that row (same IS NULL), and it is answered as a replay, since its key is the
  // first's.
  const [row] = await db.query<{ inserted: boolean; same: boolean | null }>(sql`
    WITH conv AS (
      SELECT c.id, (SELECT m.id FROM "Message" m WHERE m."conversationId" = c.id AND m.role = 'AGENT'
                    ORDER BY m.seq DESC LIMIT 1) AS "messageId"
      FROM "Conversation" c WHERE c."sessionId" = ${body.sessionId} AND c."apiKeyId" = ${apiKeyId}::uuid
        AND c.state->>'sessionTokenHash' = ${sessionTokenHash(body.sessionToken)}
      ORDER BY c."lastMessageAt" DESC LIMIT 1),
    stored AS (
      INSERT INTO "Feedback" (id, "conversationId", "messageId", rating, thumbs, comment, "idempotencyKey", "createdAt")
      SELECT ${uuidv7()}::uuid, conv.id, conv."messageId", ${rating}::int, ${thumbs}::boolean, ${comment}::text,
             ${idempotencyKey}::text, now() AT TIME ZONE 'UTC'
      FROM conv
      ON CONFLICT ("conversationId", "idempotencyKey") DO NOTHING
      RETURNING id)
    SELECT EXISTS (SELECT 1 FROM stored) AS inserted,
           (SELECT f.rating IS NOT DISTINCT FROM ${rating}::int AND f.thumbs IS NOT DISTINCT FROM ${thumbs}::boolean
                   AND f.comment IS NOT DISTINCT FROM ${comment}::text
            FROM "Feedback" f WHERE f."conversationId" = conv.id AND f."idempotencyKey" = ${idempotencyKey}::text) AS same
    FROM conv`);
  if (!row)
    throw new AppError('NOT_FOUND', 'no conversation of this sessionId holds this sessionToken', {
      field: 'sessionToken',
    });
  if (row.inserted) return { replayed: false };
  if (row.same === false)
    throw new AppError(
      'UNPROCESSABLE',
      'this Idempotency-Key was sent before with other feedback; send a new key with each new rating',
      { field: 'Idempotency-Key' },
    );
  return { replayed: true };
}
