import { randomBytes } from 'node:crypto';
import { uuidv7 } from '@acsa/core/ids';
import type pg from 'pg';
import type { TTurnRecord } from '../../apps/serving/src/persist/turn-store.ts';
import { initialState } from '../../apps/serving/src/turn/types.ts';

/** The rows a stored turn points at (a model version and a storefront key), in a freshly migrated database. */
export async function persistFixtures(
  db: pg.Pool | pg.Client,
): Promise<{ modelVersionId: string; apiKeyId: string }> {
  const modelVersionId = uuidv7();
  await db.query(
    `INSERT INTO "ModelVersion" (id, version, kind, manifest, sha256, "sizeBytes", "featurizerVersion", labels, metrics)
     VALUES ($1, 'bench', 'student-int8', '{}', 'x', 1, 1, '{}', '{}')`,
    [modelVersionId],
  );
  const apiKeyId = uuidv7();
  await db.query(
    `INSERT INTO "ApiKey" (id, name, prefix, hash, scopes) VALUES ($1, 'bench', 'sk_bench', $2, '{chat}')`,
    [apiKeyId, randomBytes(16).toString('hex')],
  );
  return { modelVersionId, apiKeyId };
}

/**
 * One stored turn as serving's turn writer gets it: an order question answered, uncertain between two intents
 * when `unsure` (so it opens a review item), handed to a person when `escalated`.
 */
export function benchTurn(
  rows: { modelVersionId: string; apiKeyId: string },
  t: { conversationId: string; turn: number; text: string; unsure?: boolean; escalated?: boolean },
): TTurnRecord {
  const confidence = t.unsure ? 0.42 : 0.93;
  return {
    conversationId: t.conversationId,
    sessionId: `bench-${t.conversationId}`,
    apiKeyId: rows.apiKeyId,
    customerId: null,
    variant: null,
    at: new Date(),
    seq: t.turn * 2,
    user: {
      id: uuidv7(),
      latencyMs: 3.2,
      understanding: {
        text: t.text,
        intent: 'track_order',
        confidence,
        topK: [
          { intent: 'track_order', confidence },
          { intent: 'cancel_order', confidence: t.unsure ? 0.4 : 0.03 },
          { intent: 'return_item', confidence: 0.02 },
          { intent: 'refund_status', confidence: 0.01 },
          { intent: 'greeting', confidence: 0.01 },
        ],
        outOfScope: false,
        lowConfidence: Boolean(t.unsure),
        entities: [{ type: 'order_id', value: '10042', start: 18, end: 23 }],
      },
    },
    agent: {
      id: uuidv7(),
      text: 'Order 10042 shipped on 18 November with DHL, tracking number 00340434161094042557; it should arrive on 22 November.',
    },
    modelVersionId: rows.modelVersionId,
    state: {
      ...initialState(),
      turn: t.turn + 1,
      conversationId: t.conversationId,
      sessionTokenHash: 'a'.repeat(43),
      history: [{ role: 'user', text: 'where is my order', intent: 'track_order' }] as never,
    },
    escalation: t.escalated
      ? { id: uuidv7(), reason: 'REQUESTED', summary: 'asked for a person', context: { transcript: [] } }
      : null,
  };
}
