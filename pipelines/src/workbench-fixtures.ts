// Test fixtures for the console's operations: users of each role and conversations as serving writes them.
import type { PrismaClient, Role } from '@acsa/db';
import type { TActor } from './access/roles.ts';

export async function makeUser(prisma: PrismaClient, role: Role, name = role.toLowerCase()): Promise<TActor> {
  const u = await prisma.user.create({
    data: { email: `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`, name, role },
  });
  return { id: u.id, email: u.email, role: u.role };
}

export type TTurnSpec = {
  text: string;
  intent: string;
  confidence: number;
  topK?: { intent: string; p: number }[];
  outOfScope?: boolean;
  modelVersionId?: string | null;
};

/** A conversation of customer turns, each answered by the agent, written as serving writes them. */
export async function makeConversation(
  prisma: PrismaClient,
  turns: TTurnSpec[],
  opts: { sessionId?: string; customerId?: string | null; escalateLast?: boolean; at?: Date } = {},
) {
  const at = opts.at ?? new Date();
  const conversation = await prisma.conversation.create({
    data: {
      sessionId: opts.sessionId ?? `s-${Math.random().toString(36).slice(2, 10)}`,
      customerId: opts.customerId ?? null,
      status: opts.escalateLast ? 'ESCALATED' : 'OPEN',
      startedAt: at,
    },
  });
  const userMessageIds: string[] = [];
  for (const [i, t] of turns.entries()) {
    const m = await prisma.message.create({
      data: {
        conversationId: conversation.id,
        seq: i * 2,
        role: 'USER',
        text: t.text,
        intent: t.intent,
        confidence: t.confidence,
        // Stored as serving stores it: {intent, confidence}, best first.
        topK: (t.topK ?? [{ intent: t.intent, p: t.confidence }]).map((k) => ({
          intent: k.intent,
          confidence: k.p,
        })),
        outOfScope: t.outOfScope ?? false,
        modelVersionId: t.modelVersionId ?? null,
        createdAt: new Date(at.getTime() + i * 2000),
      },
    });
    await prisma.message.create({
      data: {
        conversationId: conversation.id,
        seq: i * 2 + 1,
        role: 'AGENT',
        text: `reply to ${t.text}`,
        createdAt: new Date(at.getTime() + i * 2000 + 1000),
      },
    });
    userMessageIds.push(m.id);
  }
  const escalation = opts.escalateLast
    ? await prisma.escalation.create({
        data: {
          conversationId: conversation.id,
          messageId: userMessageIds.at(-1) ?? null,
          reason: 'REQUESTED',
          summary: `The customer asked for a person. Last message: "${turns.at(-1)?.text}"`,
          context: { intents: turns.map((t) => t.intent), entities: [], customer: null, order: null },
          createdAt: new Date(at.getTime() + turns.length * 2000),
        },
      })
    : null;
  return { conversationId: conversation.id, userMessageIds, escalationId: escalation?.id ?? null };
}
