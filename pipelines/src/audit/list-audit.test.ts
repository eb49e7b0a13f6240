import { moveAlias } from '@acsa/db/registry';
import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_ATTEMPT } from '../access/audit-actions.ts';
import { auditVocabulary, listAudit } from './list-audit.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  const entry = (actor: string, action: string, targetType = 'User') => ({
    actorType: 'USER' as const,
    actor,
    action,
    targetType,
    data: {},
  });
  // A morning's console: three people sign in (a password check and a sign-in each, one mistyped first),
  // and one change.
  await db.prisma.auditLog.createMany({
    data: [
      entry('ada@shop.example', SIGN_IN_ATTEMPT),
      entry('ada@shop.example', 'auth.sign-in'),
      entry('rae@shop.example', SIGN_IN_ATTEMPT),
      entry('rae@shop.example', SIGN_IN_ATTEMPT),
      entry('rae@shop.example', 'auth.sign-in'),
      entry('eli@shop.example', SIGN_IN_ATTEMPT),
      entry('eli@shop.example', 'auth.sign-in'),
      entry('ada@shop.example', 'user.role'),
      entry('ada@shop.example', 'auth.sign-out'),
    ],
  });
});
afterAll(() => db?.drop());

describe('the audit log', () => {
  it('leaves password checks out unless asked, so changes are not buried under sign-in tries', async () => {
    const actions = async (filter: Parameters<typeof listAudit>[1]) =>
      (await listAudit(db.prisma, filter)).map((e) => e.action);
    expect(await actions({})).toEqual([
      'auth.sign-out',
      'user.role',
      'auth.sign-in',
      'auth.sign-in',
      'auth.sign-in',
    ]);
    expect((await actions({ passwordChecks: true })).filter((a) => a === SIGN_IN_ATTEMPT)).toHaveLength(4);
    // Naming the action asks for them; an action's start matching them does not.
    expect(await actions({ action: SIGN_IN_ATTEMPT, actor: 'rae' })).toEqual([
      SIGN_IN_ATTEMPT,
      SIGN_IN_ATTEMPT,
    ]);
    expect(await actions({ action: 'auth.sign-in' })).toEqual([
      'auth.sign-in',
      'auth.sign-in',
      'auth.sign-in',
    ]);
    expect(await actions({ action: 'auth', passwordChecks: true })).toHaveLength(8);
  });

  it('offers each action and target type recorded once, in order, for the filter', async () => {
    expect(await auditVocabulary(db.prisma)).toEqual({
      actions: ['auth.sign-in', SIGN_IN_ATTEMPT, 'auth.sign-out', 'user.role'],
      targetTypes: ['User'],
    });
  });

  it('names the versions an alias move holds by id, so the page never shows the end of a uuid for them', async () => {
    const [v1, v2] = [
      await bareModelVersion(db.prisma, 'audit-v1'),
      await bareModelVersion(db.prisma, 'audit-v2'),
    ];
    const actor = { type: 'SYSTEM' as const, display: 'system:test' };
    for (const v of [v1, v2])
      await moveAlias(db.prisma, { alias: 'production', toVersionId: v.id, kind: 'PROMOTE', actor });
    const [latest] = await listAudit(db.prisma, { action: 'model.alias', limit: 1 });
    expect(latest?.data).toMatchObject({ from: v1.id, to: v2.id });
    expect(latest?.versionNames).toEqual({ [v1.id]: 'audit-v1', [v2.id]: 'audit-v2' });
    // Other entries hold no version ids.
    expect((await listAudit(db.prisma, { action: 'auth' }))[0]?.versionNames).toEqual({});
  });
});
