import type { PrismaClient } from '@acsa/db';
import type { TWindowMessage } from './window-drift.ts';

/** Messages read per page: a busy hour is streamed through the accumulator, never held whole. */
const PAGE = 5_000;

/**
 * Where a version's predictions are: `answered` for a version that answers customers (production, an
 * experiment's variant), whose predictions are on the messages themselves; `shadow` for one scored beside
 * production and answering no one, whose predictions are ShadowPrediction rows on those messages.
 */
export type TDriftSource = 'answered' | 'shadow';

/** One window of a version's customer turns as it classified them, page by page. */
export async function* windowMessages(
  prisma: PrismaClient,
  o: { versionId: string; source: TDriftSource; start: Date; end: Date },
): AsyncGenerator<TWindowMessage[]> {
  const createdAt = { gte: o.start, lt: o.end };
  let after: string | undefined;
  for (;;) {
    const page =
      o.source === 'shadow'
        ? (
            await prisma.shadowPrediction.findMany({
              where: {
                modelVersionId: o.versionId,
                createdAt,
                ...(after ? { messageId: { gt: after } } : {}),
              },
              select: {
                messageId: true,
                intent: true,
                confidence: true,
                outOfScope: true,
                message: { select: { text: true } },
              },
              orderBy: { messageId: 'asc' },
              take: PAGE,
            })
          ).map((s) => ({ id: s.messageId, ...s, text: s.message.text }))
        : await prisma.message.findMany({
            where: {
              modelVersionId: o.versionId,
              role: 'USER',
              createdAt,
              ...(after ? { id: { gt: after } } : {}),
            },
            select: { id: true, text: true, intent: true, confidence: true, outOfScope: true },
            orderBy: { id: 'asc' },
            take: PAGE,
          });
    yield page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.id;
  }
}
