import type pg from 'pg';
import { createSerialBatcher, type TPending } from '../batch/serial-batcher.ts';
import type { TDialogueState, TEscalationReason, TUnderstanding } from '../turn/types.ts';

export type TTurnRecord = {
  conversationId: string;
  sessionId: string;
  apiKeyId: string;
  customerId: string | null;
  variant: string | null;
  at: Date;
  /** Position of the customer's message; the agent's reply is seq + 1. */
  seq: number;
  user: { id: string; understanding: TUnderstanding; latencyMs: number };
  agent: { id: string; text: string };
  modelVersionId: string | null;
  state: TDialogueState;
  escalation: {
    id: string;
    reason: TEscalationReason;
    summary: string;
    context: Record<string, unknown>;
  } | null;
};

/** Thrown for a turn whose position in its conversation is taken: another message of the session won. */
export class TurnConflictError extends Error {
  readonly code = '23505';
  constructor() {
    super('a message of this conversation already holds this position');
  }
}

/**
 * One statement writes a batch of turns: the customer's messages first, skipping any whose position
 * (conversationId, seq) is taken, then, for the turns that got their place, the conversation upsert (with
 * the dialogue state checkpoint), the agent's replies, the escalations and the review items of uncertain
 * turns (see migration review_items_opened_by_the_turn_statement). Foreign keys are checked at the
 * end of the statement, so children may reference the parent inserted beside them. A turn that lost its
 * place writes nothing and is told so; the others are unaffected.
 */
export const PERSIST_TURNS_SQL = `
WITH t AS (
  -- The flag is set once (an init plan) as the first row is read, so before any message is inserted: this
  -- statement opens its turns' review items itself (ri, below), and the per-row trigger skips its messages.
  SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(
    "conversationId" uuid, "sessionId" text, "apiKeyId" uuid, "customerId" uuid, status "ConversationStatus",
    variant text, state jsonb, at timestamp(3), "userId" uuid, seq int, text text, intent text,
    confidence float8, "topK" jsonb, entities jsonb, "outOfScope" boolean, "modelVersionId" uuid,
    "latencyMs" float8, "agentId" uuid, reply text, "escalationId" uuid, reason "EscalationReason",
    summary text, context jsonb)
  WHERE (SELECT set_config('acsa.review_items', 'opened', true)) IS NOT NULL
), um AS (
  INSERT INTO "Message" (id, "conversationId", seq, role, text, intent, confidence, "topK", entities, "outOfScope", "modelVersionId", variant, "latencyMs", "createdAt")
  SELECT "userId", "conversationId", seq, 'USER', text, intent, confidence, "topK", entities, "outOfScope", "modelVersionId", variant, "latencyMs", at FROM t
  ON CONFLICT ("conversationId", seq) DO NOTHING
  RETURNING id
), ok AS (
  SELECT t.* FROM t JOIN um ON um.id = t."userId"
), conv AS (
  INSERT INTO "Conversation" (id, "sessionId", "apiKeyId", "customerId", status, variant, state, "startedAt", "lastMessageAt")
  SELECT DISTINCT ON ("conversationId") "conversationId", "sessionId", "apiKeyId", "customerId", status, variant, state, at, at
  FROM ok ORDER BY "conversationId", seq DESC
  ON CONFLICT (id) DO UPDATE SET
    "lastMessageAt" = EXCLUDED."lastMessageAt",
    state = EXCLUDED.state,
    "customerId" = COALESCE("Conversation"."customerId", EXCLUDED."customerId"),
    status = CASE WHEN "Conversation".status = 'ESCALATED' THEN "Conversation".status ELSE EXCLUDED.status END
), am AS (
  INSERT INTO "Message" (id, "conversationId", seq, role, text, "modelVersionId", variant, "createdAt")
  SELECT "agentId", "conversationId", seq + 1, 'AGENT', reply, "modelVersionId", variant, at FROM ok
), esc AS (
  INSERT INTO "Escalation" (id, "conversationId", "messageId", reason, summary, context, "createdAt")
  SELECT "escalationId", "conversationId", "userId", reason, summary, context, at FROM ok
  WHERE "escalationId" IS NOT NULL
), ri AS (
  -- An escalation's trigger (at the end of the statement) makes the item ESCALATION if it is opened here.
  INSERT INTO "ReviewItem" (id, "messageId", reason, priority, "requiredLabels")
  SELECT gen_random_uuid(), "userId", "reviewReason", review_priority("topK", confidence), review_required_labels("userId")
  FROM (SELECT "userId", "topK", confidence,
               review_reason_for("outOfScope", confidence, (SELECT review_low_confidence())) AS "reviewReason" FROM ok) r
  WHERE "reviewReason" IS NOT NULL
  ON CONFLICT ("messageId") DO NOTHING
)
SELECT id FROM um`;

/** One turn as the statement reads it from its jsonb parameter. */
export function persistRow(t: TTurnRecord) {
  const u = t.user.understanding;
  return {
    conversationId: t.conversationId,
    sessionId: t.sessionId,
    apiKeyId: t.apiKeyId,
    customerId: t.customerId,
    status: t.escalation || t.state.escalated ? 'ESCALATED' : 'OPEN',
    variant: t.variant,
    state: t.state,
    at: t.at.toISOString(),
    userId: t.user.id,
    seq: t.seq,
    text: u.text,
    intent: u.intent,
    confidence: u.confidence,
    topK: u.topK,
    entities: u.entities,
    outOfScope: u.outOfScope,
    modelVersionId: t.modelVersionId,
    latencyMs: t.user.latencyMs,
    agentId: t.agent.id,
    reply: t.agent.text,
    escalationId: t.escalation?.id ?? null,
    reason: t.escalation?.reason ?? null,
    summary: t.escalation?.summary ?? null,
    context: t.escalation?.context ?? null,
  };
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): one row's fault. */
const blamesOneTurn = (e: unknown) => /^2[23]/.test(String((e as { code?: unknown }).code ?? ''));

/**
 * Writes turns durably, many per statement under load (a serial batcher): a lone turn is sent at once,
 * and while a statement is running new turns wait and go together in the next one, so one round trip, one
 * commit and one plan serve many turns. One statement at a time makes the batches bigger than three did, and
 * costs less everywhere (`npx tsx bench/serving/everything.ts`, three runs against four, load average
 * 2–4.4: PostgreSQL CPU per turn at saturation 0.21–0.28 ms against 0.33–0.35, serving's 0.35–0.43 against
 * 0.43–0.47, saturation 1,817–2,302 turns/s against 1,689–1,774, p99 at 800 turns/s 40–63 ms against 50–88).
 */
export function createTurnWriter(pool: pg.Pool, options: { maxInFlight?: number; maxBatch?: number } = {}) {
  async function run(batch: TPending<TTurnRecord, void>[]): Promise<void> {
    try {
      // A named statement is parsed and planned once per connection.
      const { rows } = await pool.query<{ id: string }>({
        name: 'acsa-persist-turns',
        text: PERSIST_TURNS_SQL,
        values: [JSON.stringify(batch.map((p) => persistRow(p.input)))],
      });
      const stored = new Set(rows.map((r) => r.id));
      for (const p of batch) {
        if (stored.has(p.input.user.id)) p.resolve();
        else p.reject(new TurnConflictError());
      }
    } catch (e) {
      // The statement is all or nothing: one turn PostgreSQL refuses (bad data, a constraint) must not fail
      // the others with it, so each is tried again alone and only the culprit fails. Anything else (a lock
      // or statement timeout, a lost connection, the breaker open) would fail each alone too, one after
      // another while the next batches wait: the batch fails at once.
      if (batch.length === 1 || !blamesOneTurn(e)) for (const p of batch) p.reject(e);
      else for (const p of batch) await run([p]);
    }
  }
  return { write: createSerialBatcher(run, options) };
}
export type TTurnWriter = ReturnType<typeof createTurnWriter>;
