import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { listAudit } from '../audit/list-audit.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { listUsers, setUserDisabled, setUserRole } from './users.ts';

let db: TestDatabase;
let ada: TActor;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  ada = await makeUser(db.prisma, 'ADMIN', 'ada');
});
afterAll(() => db?.drop());

describe('admin: API keys', () => {
  it('creates a key shown once and stored only as its hash; checks kinds and origins; revokes it', async () => {
    const { key, apiKey } = await createApiKey(db.prisma, ada, {
      name: 'shop web',
      kind: 'PUBLISHABLE',
      allowedOrigins: ['https://shop.example', 'https://shop.example/', 'http://127.0.0.1:3100'],
    });
    expect(key).toMatch(/^acsa_pk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({
      prefix: key.slice(0, 12),
      allowedOrigins: ['https://shop.example', 'http://127.0.0.1:3100'],
    });
    const stored = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(stored.hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(await listApiKeys(db.prisma))).not.toContain(key.slice(12));
    // The audit log has the key's prefix, never the key.
    expect(JSON.stringify(await listAudit(db.prisma, { action: 'api-key' }))).not.toContain(key.slice(12));

    for (const bad of [
      { kind: 'PUBLISHABLE' as const, allowedOrigins: [] },
      { kind: 'PUBLISHABLE' as const, allowedOrigins: ['https://shop.example/checkout'] },
      { kind: 'PUBLISHABLE' as const, allowedOrigins: ['shop.example'] },
      { kind: 'SECRET' as const, allowedOrigins: ['https://shop.example'] },
    ])
      await expect(createApiKey(db.prisma, ada, { name: 'x', ...bad })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    const secret = await createApiKey(db.prisma, ada, {
      name: 'shop server',
      kind: 'SECRET',
      allowedOrigins: [],
    });
    expect(secret.key).toMatch(/^acsa_sk_/);

    const revoked = await revokeApiKey(db.prisma, ada, apiKey.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    await expect(revokeApiKey(db.prisma, ada, apiKey.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await listAudit(db.prisma, { action: 'api-key' })).map((a) => a.action)).toEqual([
      'api-key.revoke',
      'api-key.create',
      'api-key.create',
    ]);
  });
});

describe('admin: users', () => {
  it('changes roles and disables users, never leaving the console without an admin', async () => {
    const rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
    await db.prisma.session.create({
      data: { token: 'rae-session', userId: rae.id, expiresAt: new Date(Date.now() + 60_000) },
    });
    expect(await setUserRole(db.prisma, ada, { userId: rae.id, role: 'ENGINEER' })).toMatchObject({
      role: 'ENGINEER',
    });
    await expect(setUserRole(db.prisma, ada, { userId: ada.id, role: 'ENGINEER' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(setUserDisabled(db.prisma, ada, { userId: ada.id, disabled: true })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await setUserDisabled(db.prisma, ada, { userId: rae.id, disabled: true })).toMatchObject({
      disabledAt: expect.any(Date),
    });
    expect(await db.prisma.session.count({ where: { userId: rae.id } })).toBe(0);
    await setUserDisabled(db.prisma, ada, { userId: rae.id, disabled: false });
    const users = await listUsers(db.prisma);
    expect(users.map((u) => [u.name, u.role, u.disabledAt])).toEqual([
      ['ada', 'ADMIN', null],
      ['rae', 'ENGINEER', null],
    ]);
    expect((await listAudit(db.prisma, { targetType: 'User' })).map((a) => a.action)).toEqual([
      'user.enable',
      'user.disable',
      'user.role',
    ]);
    expect(await listAudit(db.prisma, { actor: 'ADA-' })).toHaveLength(6);
    // A User target is named by its email; pages go on from the last id shown, with the same filter.
    const [newest, ...rest] = await listAudit(db.prisma, { targetType: 'User', limit: 1 });
    expect(rest).toEqual([]);
    expect(newest?.targetName).toBe(rae.email);
    const older = await listAudit(db.prisma, { targetType: 'User', beforeId: newest?.id });
    expect(older.map((a) => a.action)).toEqual(['user.disable', 'user.role']);
  });
});
