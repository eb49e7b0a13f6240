import type pg from 'pg';
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

/**
 * One statement, one round trip: upsert the conversation (with the dialogue state checkpoint), insert the
 * customer's message with its prediction and the agent's reply, and the escalation if any. Foreign keys
 * are checked at the end of the statement, so children may reference the parent inserted beside them.
 * The unique (conversationId, seq) makes a retried turn fail instead of being written twice.
 */
const SQL = `
WITH conv AS (
  INSERT INTO "Conversation" (id, "sessionId", "apiKeyId", "customerId", status, variant, state, "startedAt", "lastMessageAt")
  VALUES ($1, $2, $3, $4, $5::"ConversationStatus", $6, $7::jsonb, $8, $8)
  ON CONFLICT (id) DO UPDATE SET
    "lastMessageAt" = EXCLUDED."lastMessageAt",
    state = EXCLUDED.state,
    "customerId" = COALESCE("Conversation"."customerId", EXCLUDED."customerId"),
    status = CASE WHEN "Conversation".status = 'ESCALATED' THEN "Conversation".status ELSE EXCLUDED.status END
  RETURNING id
), um AS (
  INSERT INTO "Message" (id, "conversationId", seq, role, text, intent, confidence, "topK", entities, "outOfScope", "modelVersionId", variant, "latencyMs", "createdAt")
  SELECT $9, id, $10, 'USER', $11, $12, $13, $14::jsonb, $15::jsonb, $16, $17, $6, $18, $8 FROM conv
  RETURNING id
), am AS (
  INSERT INTO "Message" (id, "conversationId", seq, role, text, "modelVersionId", variant, "createdAt")
  SELECT $19, id, $10 + 1, 'AGENT', $20, $17, $6, $8 FROM conv
  RETURNING id
)
INSERT INTO "Escalation" (id, "conversationId", "messageId", reason, summary, context, "createdAt")
SELECT $21::uuid, conv.id, um.id, $22::"EscalationReason", $23, $24::jsonb, $8 FROM conv, um WHERE $21::uuid IS NOT NULL`;

export async function persistTurn(pool: pg.Pool, t: TTurnRecord): Promise<void> {
  const u = t.user.understanding;
  // A named statement is parsed and planned once per connection: about half the PostgreSQL CPU per turn.
  await pool.query({
    name: 'acsa-persist-turn',
    text: SQL,
    values: [
      t.conversationId,
      t.sessionId,
      t.apiKeyId,
      t.customerId,
      t.escalation || t.state.escalated ? 'ESCALATED' : 'OPEN',
      t.variant,
      JSON.stringify(t.state),
      t.at,
      t.user.id,
      t.seq,
      u.text,
      u.intent,
      u.confidence,
      JSON.stringify(u.topK),
      JSON.stringify(u.entities),
      u.outOfScope,
      t.modelVersionId,
      t.user.latencyMs,
      t.agent.id,
      t.agent.text,
      t.escalation?.id ?? null,
      t.escalation?.reason ?? null,
      t.escalation?.summary ?? null,
      t.escalation ? JSON.stringify(t.escalation.context) : null,
    ],
  });
}
