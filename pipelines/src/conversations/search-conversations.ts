import { Prisma, type PrismaClient } from '@acsa/db';

export type TConversationHit = {
  id: string;
  sessionId: string;
  status: string;
  startedAt: Date;
  lastMessageAt: Date;
  customerName: string | null;
  customerEmail: string | null;
  /** Why it matched: the message text that contains the words, or what was looked up. */
  match: string;
};

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const ORDER_NUMBER = /^#?(\d{4,9})$/;

/**
 * Conversations by session id, customer email, order number (the order's customer's conversations and any
 * message quoting the number) or words a customer wrote, latest first. Each kind is one indexed lookup: session
 * (sessionId, lastMessageAt), email (Customer.email unique), order (Order.number unique), words (pg_trgm GIN
 * on customers' Message.text, a partial index; at least three characters, below which trigrams cannot help).
 */
export async function searchConversations(
  prisma: PrismaClient,
  input: { q: string; limit?: number },
): Promise<TConversationHit[]> {
  const q = input.q.trim();
  const limit = Math.min(input.limit ?? 50, 100);
  if (!q) return [];
  const order = ORDER_NUMBER.exec(q);
  const customerIds: string[] = [];
  if (EMAIL.test(q)) {
    const c = await prisma.customer.findUnique({ where: { email: q.toLowerCase() }, select: { id: true } });
    if (c) customerIds.push(c.id);
  }
  if (order) {
    const o = await prisma.order.findUnique({
      where: { number: Number(order[1]) },
      select: { customerId: true },
    });
    if (o) customerIds.push(o.customerId);
  }
  const words = q.length >= 3 ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return prisma.$queryRaw<TConversationHit[]>(Prisma.sql`
    WITH hits AS (
      SELECT c.id, 'session ' || c."sessionId" AS match, 0 AS rank FROM "Conversation" c WHERE c."sessionId" = ${q}
      UNION ALL
      SELECT c.id, 'customer', 1 FROM "Conversation" c WHERE c."customerId" = ANY(${customerIds}::uuid[])
      UNION ALL
      (SELECT m."conversationId", m.text, 2 FROM "Message" m
        WHERE ${words}::text IS NOT NULL AND m.role = 'USER' AND m.text ILIKE ${words}::text
        ORDER BY m."createdAt" DESC LIMIT ${limit * 4})
    ), best AS (
      SELECT DISTINCT ON (id) id, match FROM hits ORDER BY id, rank
    )
    SELECT c.id, c."sessionId", c.status::text AS status, c."startedAt", c."lastMessageAt",
           cu.name AS "customerName", cu.email AS "customerEmail", best.match
    FROM best JOIN "Conversation" c ON c.id = best.id LEFT JOIN "Customer" cu ON cu.id = c."customerId"
    ORDER BY c."lastMessageAt" DESC
    LIMIT ${limit}`);
}
