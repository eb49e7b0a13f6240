import { createTestDatabase, raceBehindLock, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { resolveEscalation, takeEscalation } from '../escalations/escalation-actions.ts';
import { listEscalations } from '../escalations/list-escalations.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { setUserDisabled } from './users.ts';

let db: TestDatabase;
let ada: TActor;
let rae: TActor;
let rob: TActor;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  ada = await makeUser(db.prisma, 'ADMIN', 'ada');
  rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
  rob = await makeUser(db.prisma, 'REVIEWER', 'rob');
});
afterAll(() => db?.drop());

const escalate = async (text: string, at: string) => {
  const { escalationId } = await makeConversation(
    db.prisma,
    [{ text, intent: 'contact_human_agent', confidence: 0.8 }],
    { escalateLast: true, at: new Date(at) },
  );
  return escalationId!;
};

describe('disabling a user who holds escalations', () => {
  it('hands them back to the queue, audited, so someone else can take and resolve them', async () => {
    const held = await escalate('my parcel never came', '2026-12-01T09:00:00Z');
    const done = await escalate('wrong size', '2026-12-01T09:01:00Z');
    const robs = await escalate('refund please', '2026-12-01T09:02:00Z');
    await takeEscalation(db.prisma, rae, held);
    await takeEscalation(db.prisma, rae, done);
    await resolveEscalation(db.prisma, rae, { id: done, note: 'Exchanged' });
    await takeEscalation(db.prisma, rob, robs);

    await setUserDisabled(db.prisma, ada, { userId: rae.id, disabled: true });

    // Only what rae still held goes back; a resolved one and someone else's stay as they were.
    const queue = await listEscalations(db.prisma);
    expect(queue.map((e) => [e.id, e.status, e.assignee?.name ?? null])).toEqual([
      [held, 'OPEN', null],
      [robs, 'ASSIGNED', 'rob'],
    ]);
    expect(await db.prisma.escalation.findUniqueOrThrow({ where: { id: held } })).toMatchObject({
      takenAt: null,
    });
    expect(await db.prisma.escalation.findUniqueOrThrow({ where: { id: done } })).toMatchObject({
      status: 'RESOLVED',
      assigneeId: rae.id,
    });

    await takeEscalation(db.prisma, rob, held);
    await resolveEscalation(db.prisma, rob, { id: held, note: 'Resent the parcel' });

    const log = await db.prisma.auditLog.findMany({ where: { targetId: held }, orderBy: { id: 'asc' } });
    expect(log.map((l) => [l.action, l.actor])).toEqual([
      ['escalation.take', rae.email],
      ['escalation.hand-back', ada.email],
      ['escalation.take', rob.email],
      ['escalation.resolve', rob.email],
    ]);
    expect(log[1]?.data).toMatchObject({
      before: { status: 'ASSIGNED', assigneeId: rae.id },
      after: { status: 'OPEN', assigneeId: null, takenAt: null },
    });
    const disable = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'user.disable' } });
    expect(disable.data).toMatchObject({ after: { id: rae.id, escalationsHandedBack: 1 } });
  });
});

describe('a disabled user taking an escalation', () => {
  it('is refused, and the escalation stays in the queue unrecorded', async () => {
    const dan = await makeUser(db.prisma, 'REVIEWER', 'dan');
    const waiting = await escalate('where is my order', '2026-12-02T09:00:00Z');
    await setUserDisabled(db.prisma, ada, { userId: dan.id, disabled: true });

    await expect(takeEscalation(db.prisma, dan, waiting)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'your account is disabled',
    });
    expect(await db.prisma.escalation.findUniqueOrThrow({ where: { id: waiting } })).toMatchObject({
      status: 'OPEN',
      assigneeId: null,
    });
    expect(await db.prisma.auditLog.count({ where: { targetId: waiting } })).toBe(0);
  });

  it('at the moment they are disabled: the escalation never stays with them', async () => {
    const dee = await makeUser(db.prisma, 'REVIEWER', 'dee');
    const waiting = await escalate('cancel my order', '2026-12-02T10:00:00Z');
    // The escalation's row is held: the take waits to write it while the disable runs, as a take that
    // commits just after the disable read dee's escalations would.
    const results = await raceBehindLock<unknown>(
      db.prisma,
      (tx) => tx.$queryRaw`SELECT id FROM "Escalation" WHERE id = ${waiting}::uuid FOR UPDATE`,
      [
        () => takeEscalation(db.prisma, dee, waiting),
        () => setUserDisabled(db.prisma, ada, { userId: dee.id, disabled: true }),
      ],
    );
    const [take, disable] = results;
    expect(disable?.status).toBe('fulfilled');
    // Either the take went first and the disable handed it back, or the take was refused.
    if (take?.status === 'rejected') expect(take.reason).toMatchObject({ code: 'FORBIDDEN' });
    expect(await db.prisma.escalation.findUniqueOrThrow({ where: { id: waiting } })).toMatchObject({
      status: 'OPEN',
      assigneeId: null,
    });
  });
});
