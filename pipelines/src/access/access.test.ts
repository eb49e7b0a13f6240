import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../prisma/seed/access.ts';
import { hasRole } from './roles.ts';
import { sessionUser, signIn, signOut } from './sessions.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  await db.prisma.user.create({
    data: {
      email: 'rae@example.com',
      name: 'Rae',
      role: 'REVIEWER',
      passwordHash: hashPassword('demo-pass'),
    },
  });
  await db.prisma.user.create({
    data: {
      email: 'gone@example.com',
      name: 'Gone',
      role: 'ADMIN',
      passwordHash: hashPassword('demo-pass'),
      disabledAt: new Date(),
    },
  });
});
afterAll(() => db?.drop());

describe('console sign-in', () => {
  it('accepts the password the seed hashed, and the session names the user and role', async () => {
    const s = await signIn(db.prisma, { email: ' Rae@Example.com ', password: 'demo-pass' });
    expect(s?.user).toMatchObject({ email: 'rae@example.com', role: 'REVIEWER' });
    expect(await sessionUser(db.prisma, s!.token)).toMatchObject({ email: 'rae@example.com', name: 'Rae' });
    // The token itself is never stored, only its hash.
    const row = await db.prisma.session.findFirstOrThrow();
    expect(row.tokenHash).not.toContain(s!.token);
    expect(await db.prisma.auditLog.count({ where: { action: 'auth.sign-in' } })).toBe(1);
  });

  it('refuses a wrong password, an unknown email and a disabled user alike', async () => {
    expect(await signIn(db.prisma, { email: 'rae@example.com', password: 'nope' })).toBeNull();
    expect(await signIn(db.prisma, { email: 'who@example.com', password: 'demo-pass' })).toBeNull();
    expect(await signIn(db.prisma, { email: 'gone@example.com', password: 'demo-pass' })).toBeNull();
  });

  it('signs out: the token no longer opens a session', async () => {
    const s = await signIn(db.prisma, { email: 'rae@example.com', password: 'demo-pass' });
    await signOut(db.prisma, s!.token);
    expect(await sessionUser(db.prisma, s!.token)).toBeNull();
    expect(await sessionUser(db.prisma, 'made-up')).toBeNull();
  });

  it('an expired session is no session', async () => {
    const s = await signIn(db.prisma, { email: 'rae@example.com', password: 'demo-pass' });
    await db.prisma.session.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sessionUser(db.prisma, s!.token)).toBeNull();
  });

  it('ranks roles reviewer < engineer < admin', () => {
    expect(hasRole('ADMIN', 'ENGINEER')).toBe(true);
    expect(hasRole('ENGINEER', 'ENGINEER')).toBe(true);
    expect(hasRole('REVIEWER', 'ENGINEER')).toBe(false);
    expect(hasRole('ENGINEER', 'ADMIN')).toBe(false);
  });
});
