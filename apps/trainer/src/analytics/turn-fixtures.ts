// Test fixtures: chat turns written the way serving writes them, and the events it publishes for them.
import { uuidv7 } from '@acsa/core/ids';
import { bulkInsert, type PrismaClient } from '@acsa/db';
import { bareModelVersion } from '@acsa/db/testing';
import type { TInteractionEvent } from '@acsa/pipelines';

export type TTurnSpec = {
  text: string;
  intent: string | null;
  confidence: number;
  topK?: { intent: string; confidence: number }[];
  modelVersionId: string | null;
  variant?: string | null;
  at: Date;
  /** Turns sharing a key share a conversation (a session); default: one conversation per turn. */
  session?: string;
  escalated?: boolean;
  outOfScope?: boolean;
  lowConfidence?: boolean;
};

export type TTurn = TTurnSpec & { conversationId: string; userMessageId: string; agentMessageId: string };

/** Inserts conversations, customer and agent messages (and escalations) in a few bulk statements. */
export async function insertTurns(prisma: PrismaClient, specs: TTurnSpec[]): Promise<TTurn[]> {
  const conversations = new Map<string, { id: string; seq: number; spec: TTurnSpec }>();
  const turns = specs.map((spec, i) => {
    const key = spec.session ?? `turn-${i}-${uuidv7()}`;
    const conv = conversations.get(key) ?? { id: uuidv7(), seq: 0, spec };
    conversations.set(key, conv);
    const seq = conv.seq;
    conv.seq += 2;
    return { ...spec, conversationId: conv.id, seq, userMessageId: uuidv7(), agentMessageId: uuidv7() };
  });
  await bulkInsert(
    prisma,
    'Conversation',
    [...conversations.entries()].map(([sessionId, c]) => ({
      id: c.id,
      sessionId,
      variant: c.spec.variant ?? null,
      startedAt: c.spec.at,
      lastMessageAt: c.spec.at,
    })),
  );
  await bulkInsert(
    prisma,
    'Message',
    turns.flatMap((t) => [
      {
        id: t.userMessageId,
        conversationId: t.conversationId,
        seq: t.seq,
        role: 'USER' as const,
        text: t.text,
        intent: t.intent,
        confidence: t.confidence,
        topK: t.topK ?? [{ intent: t.intent ?? 'oos', confidence: t.confidence }],
        outOfScope: t.outOfScope ?? false,
        modelVersionId: t.modelVersionId,
        variant: t.variant ?? null,
        createdAt: t.at,
      },
      {
        id: t.agentMessageId,
        conversationId: t.conversationId,
        seq: t.seq + 1,
        role: 'AGENT' as const,
        text: 'ok',
        // Every row carries the same columns: bulkInsert takes them from the first.
        intent: null,
        confidence: null,
        topK: null,
        outOfScope: false,
        modelVersionId: t.modelVersionId,
        variant: t.variant ?? null,
        createdAt: t.at,
      },
    ]),
  );
  const escalated = turns.filter((t) => t.escalated);
  if (escalated.length)
    await bulkInsert(
      prisma,
      'Escalation',
      escalated.map((t) => ({
        id: uuidv7(),
        conversationId: t.conversationId,
        messageId: t.userMessageId,
        reason: 'REQUESTED' as const,
        summary: 'asked for a person',
        context: {},
        createdAt: t.at,
      })),
    );
  return turns;
}

/** The interaction event serving publishes for a turn. */
export function eventOf(t: TTurn, modelVersion = 'test-model'): TInteractionEvent {
  return {
    version: 2,
    messageId: t.userMessageId,
    conversationId: t.conversationId,
    sessionId: t.session ?? t.conversationId,
    at: t.at.toISOString(),
    intent: t.intent,
    confidence: t.confidence,
    topK: t.topK ?? [{ intent: t.intent ?? 'oos', confidence: t.confidence }],
    outOfScope: t.outOfScope ?? false,
    lowConfidence: t.lowConfidence ?? false,
    entityTypes: [],
    modelVersion,
    modelVersionId: t.modelVersionId,
    variant: t.variant ?? null,
    escalated: t.escalated ?? false,
    latencyMs: 2,
  };
}

/** A registered version without an artifact: enough for rows that reference one. */
export const fakeModelVersion = (prisma: PrismaClient, version: string, manifest: object = {}) =>
  bareModelVersion(prisma, version, { manifest });
