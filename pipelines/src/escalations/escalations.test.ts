import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { handBackEscalation, resolveEscalation, takeEscalation } from './escalation-actions.ts';
import { listEscalations, listResolvedEscalations, TRANSCRIPT_TURNS } from './list-escalations.ts';

let db: TestDatabase;
let rae: TActor;
let rob: TActor;
const t0 = new Date('2026-12-01T09:00:00Z');
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
  rob = await makeUser(db.prisma, 'REVIEWER', 'rob');
});
afterAll(() => db?.drop());

describe('escalations queue', () => {
  it('lists open escalations oldest first, with the transcript and its intents', async () => {
    await makeConversation(db.prisma, [{ text: 'newer one', intent: 'track_order', confidence: 0.4 }], {
      escalateLast: true,
      at: new Date(t0.getTime() + 60_000),
    });
    await makeConversation(
      db.prisma,
      [
        { text: 'where is my parcel', intent: 'track_order', confidence: 0.9 },
        { text: 'I want a human', intent: 'contact_human_agent', confidence: 0.8 },
      ],
      { escalateLast: true, at: t0 },
    );
    const queue = await listEscalations(db.prisma);
    expect(queue.map((e) => e.transcript[0]?.text)).toEqual(['where is my parcel', 'newer one']);
    expect(queue[0]?.transcript.map((t) => t.role)).toEqual(['USER', 'AGENT', 'USER', 'AGENT']);
    expect(queue[0]?.transcript[2]).toMatchObject({ intent: 'contact_human_agent', confidence: 0.8 });
  });

  it('take assigns it to one person; a second take is refused and names the holder', async () => {
    const [first] = await listEscalations(db.prisma);
    await takeEscalation(db.prisma, rae, first!.id);
    await expect(takeEscalation(db.prisma, rob, first!.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(takeEscalation(db.prisma, rob, first!.id)).rejects.toThrow(/rae has already taken/);
    const [again] = await listEscalations(db.prisma);
    expect(again).toMatchObject({ status: 'ASSIGNED', assignee: { name: 'rae' } });
  });

  it('only the holder resolves (with a note) or hands back; each move is audited with before and after', async () => {
    const [first, second] = await listEscalations(db.prisma);
    await expect(resolveEscalation(db.prisma, rob, { id: first!.id, note: 'done' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(resolveEscalation(db.prisma, rae, { id: first!.id, note: '  ' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await resolveEscalation(db.prisma, rae, { id: first!.id, note: 'Refund issued by hand' });
    await takeEscalation(db.prisma, rob, second!.id);
    await handBackEscalation(db.prisma, rob, second!.id);

    const active = await listEscalations(db.prisma);
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ id: second!.id, status: 'OPEN', assignee: null });
    const [resolved] = await listEscalations(db.prisma, { status: 'resolved' });
    expect(resolved).toMatchObject({ resolutionNote: 'Refund issued by hand', status: 'RESOLVED' });

    const log = await db.prisma.auditLog.findMany({ where: { targetId: first!.id }, orderBy: { id: 'asc' } });
    expect(log.map((l) => [l.action, l.actor])).toEqual([
      ['escalation.take', rae.email],
      ['escalation.resolve', rae.email],
    ]);
    expect(log[1]?.data).toMatchObject({ before: { status: 'ASSIGNED' }, after: { status: 'RESOLVED' } });
  });

  it('an escalation becomes a review item of its turn', async () => {
    const items = await db.prisma.reviewItem.findMany({ where: { reason: 'ESCALATION' } });
    expect(items).toHaveLength(2);
  });

  it('pages resolved escalations latest first, older pages by keyset, ties on the same moment kept apart', async () => {
    const at = new Date('2026-12-02T10:00:00Z');
    for (let i = 0; i < 5; i++) {
      const c = await makeConversation(db.prisma, [{ text: `old ${i}`, intent: 'thanks', confidence: 0.5 }], {
        escalateLast: true,
      });
      await db.prisma.escalation.updateMany({
        where: { conversationId: c.conversationId },
        // Two share one moment: the cursor's id must tell them apart.
        data: { status: 'RESOLVED', resolvedAt: new Date(at.getTime() - Math.min(i, 3) * 60_000) },
      });
    }
    const all = await listEscalations(db.prisma, { status: 'resolved' });
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await listResolvedEscalations(db.prisma, { before, pageSize: 2 });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.id));
      if (!page.older) break;
      before = page.older;
    }
    expect(seen).toHaveLength(all.length);
    expect(new Set(seen).size).toBe(all.length);
    const times = (await listResolvedEscalations(db.prisma, { pageSize: 100 })).items.map((e) =>
      e.resolvedAt!.getTime(),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe('a guest who gave an email after the hand-over', () => {
  it('names the email a guest gave after the hand-over, from the conversation, and nothing else of its state', async () => {
    const { conversationId, escalationId } = await makeConversation(
      db.prisma,
      [{ text: 'let me talk to someone', intent: 'contact_human_agent', confidence: 0.9 }],
      { escalateLast: true, at: new Date(t0.getTime() + 3_600_000) },
    );
    const view = async () => (await listEscalations(db.prisma)).find((e) => e.id === escalationId);
    expect((await view())?.contactEmail).toBeNull();
    // Serving keeps the answer to "what email address should they write to?" in the conversation's state.
    await db.prisma.conversation.update({
      where: { id: conversationId },
      data: {
        state: { turn: 2, slots: { email: 'sam.lee@example.com' }, sessionTokenHash: 'hash-of-token' },
      },
    });
    const after = await view();
    expect(after?.contactEmail).toBe('sam.lee@example.com');
    expect(JSON.stringify(after)).not.toContain('hash-of-token');
  });
});

describe('a conversation longer than the transcript', () => {
  it('shows its last messages and counts every one, gaps in seq included', async () => {
    const long = await makeConversation(
      db.prisma,
      [{ text: 'a long story', intent: 'complaint', confidence: 0.5 }],
      { escalateLast: true, at: new Date(t0.getTime() + 3_600_000) },
    );
    await db.prisma.message.createMany({
      data: Array.from({ length: 119 }, (_, i) => ({
        conversationId: long.conversationId,
        seq: i + 2,
        role: i % 2 ? ('AGENT' as const) : ('USER' as const),
        text: `more ${i}`,
      })),
    });
    await db.prisma.message.deleteMany({ where: { conversationId: long.conversationId, seq: 50 } });
    const card = (await listEscalations(db.prisma, { limit: 200 })).find(
      (e) => e.conversationId === long.conversationId,
    );
    expect(card?.transcript).toHaveLength(TRANSCRIPT_TURNS);
    expect(card?.transcript.at(-1)?.seq).toBe(120);
    expect(card?.messageCount).toBe(120);
  });
});
