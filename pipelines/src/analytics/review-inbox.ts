import type { PrismaClient, ReviewReason, ReviewStatus } from '@acsa/db';

export type TInboxItem = {
  id: string;
  reason: ReviewReason;
  /** Uncertainty of the prediction (0–1): the inbox's order. */
  priority: number;
  status: ReviewStatus;
  createdAt: Date;
  message: {
    id: string;
    conversationId: string;
    text: string;
    intent: string | null;
    confidence: number | null;
    topK: unknown;
    outOfScope: boolean;
    modelVersionId: string | null;
    variant: string | null;
    createdAt: Date;
  };
  labels: number;
};

/**
 * The review inbox: items still waiting for labels, most uncertain first (the ones a label teaches the
 * model most), oldest first among equals. Served by the (status, priority) index.
 */
export async function reviewInbox(
  prisma: PrismaClient,
  opts: { limit?: number; status?: ReviewStatus[]; reasons?: ReviewReason[] } = {},
): Promise<TInboxItem[]> {
  const rows = await prisma.reviewItem.findMany({
    where: {
      status: { in: opts.status ?? ['OPEN', 'IN_PROGRESS'] },
      ...(opts.reasons ? { reason: { in: opts.reasons } } : {}),
    },
    orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }],
    take: Math.min(Math.max(1, opts.limit ?? 50), 500),
    select: {
      id: true,
      reason: true,
      priority: true,
      status: true,
      createdAt: true,
      message: {
        select: {
          id: true,
          conversationId: true,
          text: true,
          intent: true,
          confidence: true,
          topK: true,
          outOfScope: true,
          modelVersionId: true,
          variant: true,
          createdAt: true,
        },
      },
      _count: { select: { labels: true } },
    },
  });
  return rows.map(({ _count, ...r }) => ({ ...r, labels: _count.labels }));
}
