import type { PrismaClient } from '@acsa/db';

/** One conversation as people read it: every turn with its intent, confidence, model version and variant. */
export async function conversationTranscript(prisma: PrismaClient, id: string) {
  return prisma.conversation.findUnique({
    where: { id },
    select: {
      id: true,
      sessionId: true,
      status: true,
      variant: true,
      startedAt: true,
      lastMessageAt: true,
      customer: { select: { name: true, email: true } },
      escalations: { select: { id: true, reason: true, status: true, createdAt: true } },
      messages: {
        orderBy: { seq: 'asc' },
        select: {
          id: true,
          seq: true,
          role: true,
          text: true,
          intent: true,
          confidence: true,
          outOfScope: true,
          variant: true,
          createdAt: true,
          modelVersion: { select: { version: true } },
          reviewItem: { select: { id: true, status: true, reason: true } },
        },
      },
    },
  });
}
export type TTranscript = NonNullable<Awaited<ReturnType<typeof conversationTranscript>>>;
