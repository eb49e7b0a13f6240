import type { EscalationReason, EscalationStatus, PrismaClient } from '@acsa/db';

export type TEscalationTurn = {
  seq: number;
  role: 'USER' | 'AGENT' | 'SYSTEM';
  text: string;
  intent: string | null;
  confidence: number | null;
  at: Date;
};

export type TEscalationView = {
  id: string;
  reason: EscalationReason;
  status: EscalationStatus;
  summary: string;
  createdAt: Date;
  takenAt: Date | null;
  resolvedAt: Date | null;
  resolutionNote: string | null;
  assignee: { id: string; name: string; email: string } | null;
  conversationId: string;
  sessionId: string;
  customer: { name: string; email: string } | null;
  /** What serving stored at hand-over: intents, entities, top-k, customer and order. */
  context: Record<string, unknown>;
  transcript: TEscalationTurn[];
};

const SELECT = {
  id: true,
  reason: true,
  status: true,
  summary: true,
  createdAt: true,
  takenAt: true,
  resolvedAt: true,
  resolutionNote: true,
  context: true,
  assignee: { select: { id: true, name: true, email: true } },
  conversation: {
    select: {
      id: true,
      sessionId: true,
      customer: { select: { name: true, email: true } },
      messages: {
        orderBy: { seq: 'asc' },
        take: 100,
        select: { seq: true, role: true, text: true, intent: true, confidence: true, createdAt: true },
      },
    },
  },
} as const;

/**
 * The escalations queue: what is still to be handled (open, or taken and not yet resolved), oldest first —
 * the customer who has waited longest comes first. Each with the transcript and what serving knew.
 */
export async function listEscalations(
  prisma: PrismaClient,
  opts: { status?: 'active' | 'resolved'; limit?: number } = {},
): Promise<TEscalationView[]> {
  const resolved = opts.status === 'resolved';
  const rows = await prisma.escalation.findMany({
    where: { status: resolved ? 'RESOLVED' : { in: ['OPEN', 'ASSIGNED'] } },
    orderBy: resolved ? { resolvedAt: 'desc' } : { createdAt: 'asc' },
    take: Math.min(opts.limit ?? 50, 200),
    select: SELECT,
  });
  return rows.map(({ conversation, context, ...e }) => ({
    ...e,
    conversationId: conversation.id,
    sessionId: conversation.sessionId,
    customer: conversation.customer,
    context: (context ?? {}) as Record<string, unknown>,
    transcript: conversation.messages.map((m) => ({
      seq: m.seq,
      role: m.role,
      text: m.text,
      intent: m.intent,
      confidence: m.confidence,
      at: m.createdAt,
    })),
  }));
}
