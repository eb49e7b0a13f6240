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
  /**
   * The email the customer gave in the conversation (to check an order, or asked for after the hand-over so
   * the team can write): it may come after the context below was stored. Not proof of any order.
   */
  contactEmail: string | null;
  /** What serving stored at hand-over: intents, entities, top-k, customer and order. */
  context: Record<string, unknown>;
  /** The conversation's last TRANSCRIPT_TURNS messages, in order: the hand-over is at its end. */
  transcript: TEscalationTurn[];
  /** Every message of the conversation, to say when the transcript shows only its end. */
  messageCount: number;
};

/** Messages of a conversation a card carries: its end, where the customer asked for a person. */
export const TRANSCRIPT_TURNS = 100;

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
      // Only its email leaves this module (the state holds the session token's hash too).
      state: true,
      // The last ones: the first 100 of a long conversation left out the hand-over itself.
      messages: {
        orderBy: { seq: 'desc' },
        take: TRANSCRIPT_TURNS,
        select: { seq: true, role: true, text: true, intent: true, confidence: true, createdAt: true },
      },
    },
  },
} as const;

type TRow = Awaited<ReturnType<typeof findRows>>[number];

const findRows = (prisma: PrismaClient, args: { where: object; orderBy: object; take: number }) =>
  prisma.escalation.findMany({ ...args, select: SELECT });

/**
 * How many messages each listed conversation holds. A conversation shorter than the transcript is all in
 * it; only the longer ones are counted, each on the (conversationId, seq) index. Prisma's
 * `_count: { messages }` grouped the whole Message table instead (745 ms at 2.4M rows, on a page polled
 * every 15 s). Not `max(seq) + 1`: nothing keeps seq gap-free once a message is deleted.
 */
async function messageCounts(prisma: PrismaClient, rows: TRow[]): Promise<Map<string, number>> {
  const counts = new Map(rows.map((r) => [r.conversation.id, r.conversation.messages.length]));
  const long = rows.filter((r) => r.conversation.messages.length >= TRANSCRIPT_TURNS);
  if (!long.length) return counts;
  const groups = await prisma.message.groupBy({
    by: ['conversationId'],
    where: { conversationId: { in: [...new Set(long.map((r) => r.conversation.id))] } },
    _count: { _all: true },
  });
  for (const g of groups) counts.set(g.conversationId, g._count._all);
  return counts;
}

async function toViews(prisma: PrismaClient, rows: TRow[]): Promise<TEscalationView[]> {
  const counts = await messageCounts(prisma, rows);
  return rows.map((r) => toView(r, counts.get(r.conversation.id) ?? r.conversation.messages.length));
}

/** The dialogue state's email slot, when it holds one. */
function emailIn(state: unknown): string | null {
  const email = (state as { slots?: { email?: unknown } } | null)?.slots?.email;
  return typeof email === 'string' ? email : null;
}

const toView = ({ conversation, context, ...e }: TRow, messageCount: number): TEscalationView => ({
  ...e,
  conversationId: conversation.id,
  sessionId: conversation.sessionId,
  customer: conversation.customer,
  contactEmail: emailIn(conversation.state),
  context: (context ?? {}) as Record<string, unknown>,
  transcript: conversation.messages
    .map((m) => ({
      seq: m.seq,
      role: m.role,
      text: m.text,
      intent: m.intent,
      confidence: m.confidence,
      at: m.createdAt,
    }))
    .reverse(),
  messageCount,
});

/**
 * The escalations queue: what is still to be handled (open, or taken and not yet resolved), oldest first —
 * the customer who has waited longest comes first. Each with the transcript and what serving knew.
 */
export async function listEscalations(
  prisma: PrismaClient,
  opts: { status?: 'active' | 'resolved'; limit?: number } = {},
): Promise<TEscalationView[]> {
  const resolved = opts.status === 'resolved';
  const rows = await findRows(prisma, {
    where: { status: resolved ? 'RESOLVED' : { in: ['OPEN', 'ASSIGNED'] } },
    orderBy: resolved ? { resolvedAt: 'desc' } : { createdAt: 'asc' },
    take: Math.min(opts.limit ?? 50, 200),
  });
  return toViews(prisma, rows);
}

/** How many escalations are still to be handled (open or taken), however many a page shows. */
export function countActiveEscalations(prisma: PrismaClient): Promise<number> {
  return prisma.escalation.count({ where: { status: { in: ['OPEN', 'ASSIGNED'] } } });
}

export type TResolvedPage = {
  items: TEscalationView[];
  /** Where the next, older page starts (pass it back as `before`); null on the last page. */
  older: string | null;
};

const cursorOf = (e: { resolvedAt: Date | null; id: string }) =>
  `${e.resolvedAt?.toISOString() ?? ''}_${e.id}`;

function parseCursor(cursor: string | undefined) {
  const [at, id] = cursor?.split('_') ?? [];
  const when = at ? new Date(at) : null;
  return when && id && !Number.isNaN(when.getTime()) ? { when, id } : null;
}

/**
 * Resolved escalations, latest resolved first, one page at a time like a mail inbox's "Older": keyset
 * pagination on (resolvedAt, id), so a page stays right while others resolve more (an offset would shift
 * under the reader and repeat or skip cards). `before` is the `older` cursor of the page before.
 */
export async function listResolvedEscalations(
  prisma: PrismaClient,
  opts: { before?: string; pageSize?: number } = {},
): Promise<TResolvedPage> {
  const size = Math.min(opts.pageSize ?? 25, 100);
  const from = parseCursor(opts.before);
  const rows = await findRows(prisma, {
    where: {
      status: 'RESOLVED',
      resolvedAt: { not: null },
      // The redundant `lte` bounds the index scan (resolvedAt DESC, id DESC): PostgreSQL cannot seek on the
      // OR alone, and an older page would read every newer row first.
      ...(from
        ? {
            AND: [{ resolvedAt: { lte: from.when } }],
            OR: [{ resolvedAt: { lt: from.when } }, { resolvedAt: from.when, id: { lt: from.id } }],
          }
        : {}),
    },
    orderBy: [{ resolvedAt: 'desc' }, { id: 'desc' }],
    take: size + 1,
  });
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return {
    items: await toViews(prisma, page),
    older: rows.length > size && last ? cursorOf(last) : null,
  };
}
